import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashGoMod } from '../../src/zip/index.js';
import { hashZipFile } from '../../src/zip/files/index.js';
import { FixtureProxy, escapePath, type FixtureModule } from '../support/fixture-proxy.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { rawRequest } from '../support/raw-request.js';
import { TestSumdb, type TestSumdbRecord } from '../support/test-sumdb.js';
import { parseExposition, sumOf, type Sample } from './exposition.js';

const mod = (path: string): FixtureModule => ({
  path,
  version: 'v1.0.0',
  files: { 'a.go': 'package a\n' },
});
const HELLO = mod('example.com/hello');
const TAMPERED = mod('example.com/tampered');
const UNKNOWN = mod('example.com/unknown');

async function recordOf(fixture: FixtureProxy, m: FixtureModule): Promise<TestSumdbRecord> {
  const dir = join(fixture.root, escapePath(m.path), '@v');
  return {
    path: m.path,
    version: m.version,
    zipHash: await hashZipFile(join(dir, `${m.version}.zip`)),
    modHash: hashGoMod(await readFile(join(dir, `${m.version}.mod`))),
  };
}

describe('checksum verification metrics', () => {
  let fixture: FixtureProxy;
  let db: TestSumdb;
  let modgate: ModgateInstance;

  before(async () => {
    fixture = await FixtureProxy.create([HELLO, TAMPERED, UNKNOWN]);
    const tampered = await recordOf(fixture, TAMPERED);
    db = await TestSumdb.create({
      records: [
        await recordOf(fixture, HELLO),
        // The database has another zip hash than the upstream serves.
        { ...tampered, zipHash: 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
      ],
    });
    modgate = await startModgate({
      upstream: fixture.url,
      settings: {
        'sumdb.databases': `${db.verifierKey} ${db.url}`,
        'sumdb.verify': true,
        'sumdb.server.enabled': true,
      },
    });
  });
  after(async () => {
    await modgate.stop();
    await db.close();
    await fixture.close();
  });

  test('verifications by result and the own database tree size', async () => {
    const get = async (m: FixtureModule, file: string) =>
      (await rawRequest(modgate.url, `/${escapePath(m.path)}/@v/v1.0.0.${file}`)).status;
    assert.equal(await get(HELLO, 'mod'), 200);
    assert.equal(await get(HELLO, 'zip'), 200);
    assert.equal(await get(TAMPERED, 'mod'), 200);
    assert.notEqual(await get(TAMPERED, 'zip'), 200);
    assert.notEqual(await get(UNKNOWN, 'mod'), 200);
    await modgate.settle();
    // modgate's own database logs a version when a client looks it up.
    const lookup = await rawRequest(modgate.url, '/sumdb/modgate/lookup/example.com/hello@v1.0.0');
    assert.equal(lookup.status, 200, lookup.body.toString());
    let samples: Sample[] = [];
    for (let i = 0; i < 200; i++) {
      samples = parseExposition((await rawRequest(modgate.url, '/metrics')).body.toString());
      if (sumOf(samples, 'modgate_sumdb_own_tree_size') >= 1) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const verifications = (result: string) =>
      sumOf(samples, 'modgate_checksum_verifications_total', { result });
    assert.equal(verifications('ok'), 3, 'hello .mod and .zip, tampered .mod');
    assert.equal(verifications('mismatch'), 1);
    assert.equal(verifications('unknown'), 1);
    assert.equal(verifications('unreachable'), 0);
    assert.ok(sumOf(samples, 'modgate_sumdb_own_tree_size') >= 1, 'hello logged by the lookup');
  });
});
