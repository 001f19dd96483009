// A version's checksum database record on the dashboard (issue 15): matched against the
// stored hashes, never asked for private modules, not waited for past its budget.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CatalogVersion } from '../../src/dashboard/catalog.js';
import { versionSumdb } from '../../src/dashboard/version-sumdb.js';
import { notFound } from '../../src/errors/index.js';

const PATH = 'example.com/a';
const version = (h1?: string, goModH1?: string): CatalogVersion => ({
  version: 'v1.0.0',
  files: 7,
  size: 10,
  time: Number.NaN,
  h1,
  goModH1,
});
const lines = [`${PATH} v1.0.0 h1:zip=`, `${PATH} v1.0.0/go.mod h1:mod=`];
const record = () => Promise.resolve({ db: 'sum.example', lines });
const PUBLIC = { private: false, verify: true };

test('verified when the stored hashes match; false when one differs', async () => {
  assert.deepEqual(await versionSumdb(record, PATH, version('h1:zip=', 'h1:mod='), PUBLIC), {
    db: 'sum.example',
    lines,
    verified: true,
  });
  const onlyMod = await versionSumdb(record, PATH, version(undefined, 'h1:mod='), PUBLIC);
  assert.equal(onlyMod.verified, true);
  const differs = await versionSumdb(record, PATH, version('h1:other=', 'h1:mod='), PUBLIC);
  assert.equal(differs.verified, false);
  const unknown = await versionSumdb(record, PATH, version(), PUBLIC);
  assert.equal(unknown.verified, 'not-checked');
});

test('not checked: no database, no record, a private module, a database too slow', async () => {
  const none = await versionSumdb(undefined, PATH, version(), PUBLIC);
  assert.equal(none.verified, 'not-checked');
  const missing = await versionSumdb(() => Promise.reject(notFound('no')), PATH, version(), PUBLIC);
  assert.match(missing.note ?? '', /no record/);
  const priv = await versionSumdb(() => Promise.resolve(undefined), PATH, version(), {
    private: true,
    verify: false,
  });
  assert.match(priv.note ?? '', /private module/);
  const slow = await versionSumdb(() => new Promise(() => undefined), PATH, version(), PUBLIC, 5);
  assert.equal(slow.verified, 'not-checked');
  assert.match(slow.note ?? '', /did not answer/);
});
