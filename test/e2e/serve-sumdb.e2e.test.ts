import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashGoMod } from '../../src/zip/index.js';
import { hashZipFile } from '../../src/zip/files/index.js';
import { FixtureProxy, escapePath, type FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { rawRequest } from '../support/raw-request.js';
import { TestSumdb, type TestSumdbRecord } from '../support/test-sumdb.js';

const modules: FixtureModule[] = [
  { path: 'example.com/hello', version: 'v1.0.0', files: { 'hello.go': 'package hello\n' } },
  { path: 'corp.example.com/lib', version: 'v1.0.0', files: { 'lib.go': 'package lib\n' } },
];

async function recordOf(fixture: FixtureProxy, m: FixtureModule): Promise<TestSumdbRecord> {
  const dir = join(fixture.root, escapePath(m.path), '@v');
  return {
    path: m.path,
    version: m.version,
    zipHash: await hashZipFile(join(dir, `${m.version}.zip`)),
    modHash: hashGoMod(await readFile(join(dir, `${m.version}.mod`))),
  };
}

describe('modgate serve proxies a checksum database for the go command', () => {
  let fixture: FixtureProxy;
  let db: TestSumdb;
  let modgate: ModgateInstance;
  let go: GoSandbox;
  before(async () => {
    fixture = await FixtureProxy.create(modules);
    db = await TestSumdb.create({
      records: await Promise.all(modules.map((m) => recordOf(fixture, m))),
    });
    modgate = await startModgate({
      upstream: fixture.url,
      private: 'corp.example.com',
      settings: { 'sumdb.databases': `${db.verifierKey} ${db.url}` },
    });
    go = await GoSandbox.create();
  });
  after(async () => {
    await modgate.stop();
    await db.close();
    await fixture.close();
    await go.cleanup();
  });

  test('GOSUMDB=<name>+<key> with GOPROXY=modgate verifies every download through modgate', async () => {
    const dir = await go.newModule(
      'example.com/main',
      'module example.com/main\n\ngo 1.19\n\nrequire example.com/hello v1.0.0\n',
    );
    const r = await go.run(['mod', 'download', 'example.com/hello'], {
      proxy: modgate.url,
      cwd: dir,
      env: { GOSUMDB: db.verifierKey },
    });
    assert.equal(r.code, 0, r.stderr);
    const want = await recordOf(fixture, modules[0]!);
    const sums = await readFile(join(dir, 'go.sum'), 'utf8');
    assert.ok(sums.includes(`example.com/hello v1.0.0 ${want.zipHash}\n`), sums);
    assert.ok(db.requestsFor('/lookup/example.com/hello@v1.0.0').length === 1);
    assert.deepEqual(
      db.requests.filter((q) => !q.userAgent.startsWith('modgate/')),
      [],
      'only modgate reaches the database',
    );
  });

  test('a lookup of a private module path is refused and never reaches the database', async () => {
    const res = await rawRequest(
      modgate.url,
      `/sumdb/${db.name}/lookup/corp.example.com/lib@v1.0.0`,
    );
    assert.equal(res.status, 403);
    assert.deepEqual(db.requestsFor('corp.example.com'), []);
  });

  test('an unknown database name is 404 (the go command then goes direct)', async () => {
    const res = await rawRequest(modgate.url, '/sumdb/sum.example.org/supported');
    assert.equal(res.status, 404);
    const ok = await rawRequest(modgate.url, `/sumdb/${db.name}/supported`);
    assert.equal(ok.status, 200);
  });
});
