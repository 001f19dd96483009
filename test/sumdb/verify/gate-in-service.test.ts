import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Logger } from 'pino';
import { ModgateError } from '../../../src/errors/index.js';
import { compilePolicy } from '../../../src/policy/index.js';
import { ModuleService } from '../../../src/service/module-service.js';
import { HOLDBACK_BYTES } from '../../../src/service/zip-download.js';
import { MemoryStorage } from '../../../src/storage/index.js';
import { SumdbChecksumGate } from '../../../src/sumdb/verify/index.js';
import { ProxyUpstream } from '../../../src/upstream/proxy-upstream.js';
import { HttpClient } from '../../../src/upstream/http-client.js';
import { hashGoMod } from '../../../src/zip/index.js';
import { hashZipFile } from '../../../src/zip/files/index.js';
import { FixtureProxy, makeZip, type FixtureModule } from '../../support/fixture-proxy.js';
import { publicPolicy } from '../../support/public-policy.js';
import { TestSumdb, type TestSumdbRecord } from '../../support/test-sumdb.js';
import { clientFor, type ClientEnv } from '../client/sumdb-test-env.js';

// The gate where it runs: inside the module service, between the upstream and storage.

const modules: FixtureModule[] = [
  { path: 'example.com/good', version: 'v1.0.0', files: { 'a.go': 'package a\n' } },
  { path: 'example.com/badzip', version: 'v1.0.0', files: { 'a.go': 'package a\n' } },
  { path: 'example.com/badmod', version: 'v1.0.0', files: { 'a.go': 'package a\n' } },
  // Larger than the holdback: clients receive most of it before it is verified.
  { path: 'example.com/big', version: 'v1.0.0', files: { 'data.bin': randomBytes(1536 * 1024) } },
];

const quiet = { warn: () => undefined, debug: () => undefined } as unknown as Pick<
  Logger,
  'warn' | 'debug'
>;

function request(kind: 'mod' | 'zip', path: string, version = 'v1.0.0') {
  return { kind, modulePath: path, escapedPath: path, version, escapedVersion: version } as const;
}

describe('ModuleService with a SumdbChecksumGate', () => {
  let fixture: FixtureProxy;
  let db: TestSumdb;
  let env: ClientEnv;
  let http: HttpClient;
  let spoolDir: string;
  let storage: MemoryStorage;
  let service: ModuleService;
  let gate: SumdbChecksumGate;

  before(async () => {
    fixture = await FixtureProxy.create(modules);
    const recs: TestSumdbRecord[] = [];
    for (const m of modules) {
      const dir = join(fixture.root, m.path, '@v');
      recs.push({
        path: m.path,
        version: m.version,
        zipHash: await hashZipFile(join(dir, `${m.version}.zip`)),
        modHash: hashGoMod(await readFile(join(dir, `${m.version}.mod`))),
      });
    }
    db = await TestSumdb.create({ records: recs });
    // The upstream now serves other content than the database recorded.
    await fixture.writeRaw(
      'example.com/badzip/@v/v1.0.0.zip',
      await makeZip('example.com/badzip', 'v1.0.0', {
        'go.mod': 'module example.com/badzip\n',
        'a.go': 'package a // with a backdoor\n',
      }),
    );
    await fixture.writeRaw(
      'example.com/badmod/@v/v1.0.0.mod',
      'module example.com/badmod\n\n// tampered\n',
    );
    await fixture.writeRaw(
      'example.com/big/@v/v1.0.0.zip',
      await makeZip('example.com/big', 'v1.0.0', {
        'go.mod': 'module example.com/big\n',
        'data.bin': randomBytes(1536 * 1024),
      }),
    );
    env = clientFor(db);
    http = new HttpClient({ connectTimeoutMs: 2000, maxConnections: 8, userAgent: 'test' });
    spoolDir = await mkdtemp(join(tmpdir(), 'modgate-gate-spool-'));
    storage = new MemoryStorage();
    gate = new SumdbChecksumGate({
      client: env.client,
      policy: compilePolicy({ private: '', noVerify: '', insecure: '', vcsPolicy: '' }),
      onUnreachable: 'refuse',
      logger: quiet,
    });
    service = new ModuleService({
      storage,
      upstreams: {
        chain: new ProxyUpstream(fixture.url, http, {
          metadataTimeoutMs: 5000,
          zipTimeoutMs: 5000,
          maxZipBytes: 8 << 20,
          maxModBytes: 1 << 20,
          maxMetadataBytes: 1 << 20,
        }),
      },
      policy: publicPolicy,
      stash: { spoolDir, checksumGates: [gate] },
      cache: { listTtlMs: 0, notFoundTtlMs: 0, maxBytes: 1 << 20 },
    });
  });
  after(async () => {
    service.close();
    await env.close();
    await http.close();
    await db.close();
    await fixture.close();
    await rm(spoolDir, { recursive: true, force: true });
  });

  async function downloadZip(path: string): Promise<void> {
    const answer = await service.answer(request('zip', path));
    for await (const _ of answer.stream ?? []) void _;
  }

  test('verified files are stored', async () => {
    await service.answer(request('mod', 'example.com/good'));
    await downloadZip('example.com/good');
    await service.settle(); // stored behind the answers
    assert.ok(await storage.getBytes('example.com/good/@v/v1.0.0.mod'));
    assert.ok(await storage.stat('example.com/good/@v/v1.0.0.zip'));
    assert.equal(gate.counts().verified, 2);
  });

  test('a tampered zip is refused and not stored; its go.mod still is', async () => {
    await service.answer(request('mod', 'example.com/badzip'));
    await assert.rejects(downloadZip('example.com/badzip'), (err: unknown) => {
      assert.ok(err instanceof ModgateError);
      assert.equal(err.kind, 'checksum');
      assert.match(err.message, /^checksum mismatch for example\.com\/badzip@v1\.0\.0 zip: /);
      return true;
    });
    await service.settle();
    assert.equal(await storage.stat('example.com/badzip/@v/v1.0.0.zip'), null);
    assert.ok(await storage.getBytes('example.com/badzip/@v/v1.0.0.mod'));
    // Asked again: refused again (a refusal is not remembered as "not found", nor stored).
    await assert.rejects(downloadZip('example.com/badzip'), /checksum mismatch/);
  });

  test('a tampered zip larger than the holdback: the reader gets most bytes, then an error', async () => {
    const answer = await service.answer(request('zip', 'example.com/big'));
    let received = 0;
    const reading = (async () => {
      for await (const chunk of answer.stream ?? []) received += (chunk as Buffer).length;
    })();
    await assert.rejects(reading, /checksum mismatch for example\.com\/big@v1\.0\.0 zip: /);
    assert.ok(received > 0, 'the start of the zip was streamed before it was verified');
    assert.ok(received <= 1536 * 1024 - HOLDBACK_BYTES + 1024, `received ${received} bytes`);
    assert.equal(await storage.stat('example.com/big/@v/v1.0.0.zip'), null);
  });

  test('a tampered go.mod is refused and not stored', async () => {
    await assert.rejects(
      async () => service.answer(request('mod', 'example.com/badmod')),
      /checksum mismatch for example\.com\/badmod@v1\.0\.0 go\.mod: /,
    );
    assert.equal(await storage.getBytes('example.com/badmod/@v/v1.0.0.mod'), null);
    assert.equal(gate.counts().mismatches, 4);
  });
});
