// The checks of publishing (issue 14 item 6), on memory storage: hosted and private paths only,
// canonical versions, block lists, zip rules, go.mod's module line, the validator, and
// immutability (idempotent for the same content, conflict for other content); a refused
// publish stores nothing.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import { compilePolicy } from '../../src/policy/index.js';
import { Publisher } from '../../src/service/publisher.js';
import { ValidatorClient } from '../../src/service/validator-client.js';
import { ValidatorGate } from '../../src/service/validator-gate.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { makeZip } from '../support/fixture-proxy.js';

const MOD = 'corp.example/hosted/lib';

describe('Publisher', () => {
  let dir: string;
  let n = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-publisher-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const policy = compilePolicy({
    private: 'corp.example',
    noVerify: '',
    insecure: '',
    vcsPolicy: '',
    hosted: 'corp.example/hosted,public.example/hosted',
    deny: [{ module: MOD, versions: '=v1.6.6', reason: 'bad number' }],
  });

  async function zipFile(path: string, version: string, files: Record<string, string>) {
    const file = join(dir, `z${n++}.zip`);
    await writeFile(file, await makeZip(path, version, files));
    return file;
  }
  const good = (v: string, text = 'one') =>
    zipFile(MOD, v, { 'go.mod': `module ${MOD}\n`, 'lib.go': `package lib // ${text}\n` });

  function publisher(storage: MemoryStorage, validator?: ValidatorGate) {
    const published: string[] = [];
    const p = new Publisher({
      storage,
      policy,
      spoolDir: dir,
      maxZipBytes: 1 << 20,
      validator,
      onPublished: (path) => {
        published.push(path);
        return Promise.resolve();
      },
      now: () => new Date('2026-01-02T03:04:05Z'),
    });
    return { p, published };
  }

  async function refused(
    promise: Promise<unknown>,
    kind: ModgateError['kind'],
    text: RegExp,
  ): Promise<void> {
    await assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof ModgateError, String(err));
      assert.equal(err.kind, kind, err.message);
      assert.match(err.message, text);
      return true;
    });
  }

  test('publishes: .mod, .zip, .info with the publish time, and the publisher record', async () => {
    const storage = new MemoryStorage();
    const { p, published } = publisher(storage);
    const r = await p.publish({
      modulePath: MOD,
      version: 'v1.0.0',
      zipFile: await good('v1.0.0'),
      publisher: 'alice',
    });
    assert.equal(r.outcome, 'created');
    assert.match(r.h1, /^h1:/);
    assert.deepEqual(await storage.list(''), [
      `-/published/${MOD}/@v/v1.0.0.json`,
      `${MOD}/@v/v1.0.0.info`,
      `${MOD}/@v/v1.0.0.mod`,
      `${MOD}/@v/v1.0.0.zip`,
    ]);
    assert.equal(
      (await storage.getBytes(`${MOD}/@v/v1.0.0.info`))?.toString(),
      '{"Version":"v1.0.0","Time":"2026-01-02T03:04:05Z"}',
    );
    const record = JSON.parse(
      (await storage.getBytes(`-/published/${MOD}/@v/v1.0.0.json`))!.toString(),
    ) as Record<string, string>;
    assert.equal(record.Publisher, 'alice');
    assert.equal(record.Sum, r.h1);
    assert.deepEqual(published, [MOD]);
    // The same content again: unchanged; other content: conflict; storage untouched.
    const before = await storage.list('');
    const again = await p.publish({
      modulePath: MOD,
      version: 'v1.0.0',
      zipFile: await good('v1.0.0'),
      publisher: 'bob',
    });
    assert.equal(again.outcome, 'unchanged');
    const other = await p.publish({
      modulePath: MOD,
      version: 'v1.0.0',
      zipFile: await good('v1.0.0', 'two'),
      publisher: 'bob',
    });
    assert.equal(other.outcome, 'conflict');
    assert.match(other.message, /already published with other content/);
    assert.deepEqual(await storage.list(''), before);
    assert.equal(
      (
        JSON.parse((await storage.getBytes(`-/published/${MOD}/@v/v1.0.0.json`))!.toString()) as {
          Publisher: string;
        }
      ).Publisher,
      'alice',
    );
  });

  test('refusals store nothing', async () => {
    const storage = new MemoryStorage();
    const { p } = publisher(storage);
    const publish = async (modulePath: string, version: string, zipFile: Promise<string>) =>
      p.publish({ modulePath, version, zipFile: await zipFile, publisher: 'alice' });
    await refused(
      publish('public.example/x', 'v1.0.0', good('v1.0.0')),
      'forbidden',
      /not a module path this modgate hosts/,
    );
    // Hosted but not private: refused too (a hosted name must never reach a public service).
    await refused(
      publish('public.example/hosted/x', 'v1.0.0', good('v1.0.0')),
      'forbidden',
      /publish.modules and private/,
    );
    await refused(
      publish(MOD, 'v1.0', good('v1.0.0')),
      'invalid',
      /not a canonical semantic version/,
    );
    await refused(publish(MOD, 'v2.0.0', good('v2.0.0')), 'invalid', /\/vN path needs vN/);
    await refused(
      publish(MOD, 'v2.0.0+incompatible', good('v2.0.0+incompatible')),
      'invalid',
      /\+incompatible/,
    );
    await refused(
      publish(
        MOD,
        'v0.0.0-20240101000000-abcdefabcdef',
        good('v0.0.0-20240101000000-abcdefabcdef'),
      ),
      'invalid',
      /pseudo-versions/,
    );
    await refused(publish(MOD, 'v1.6.6', good('v1.6.6')), 'forbidden', /is blocked: bad number/);
    // The zip: not a zip, another module's prefix, no go.mod, go.mod naming another module.
    const junk = join(dir, 'junk.zip');
    await writeFile(junk, 'PK not a zip');
    await refused(publish(MOD, 'v1.0.0', Promise.resolve(junk)), 'invalid', /invalid module zip/);
    await refused(
      publish(MOD, 'v1.0.0', zipFile(MOD, 'v1.0.1', { 'go.mod': `module ${MOD}\n` })),
      'invalid',
      /invalid module zip/,
    );
    await refused(
      publish(MOD, 'v1.0.0', zipFile(MOD, 'v1.0.0', { 'x.go': 'package x\n' })),
      'invalid',
      /no go.mod at the module root/,
    );
    await refused(
      publish(MOD, 'v1.0.0', zipFile(MOD, 'v1.0.0', { 'go.mod': 'module corp.example/other\n' })),
      'invalid',
      /go.mod declares module corp.example\/other/,
    );
    assert.deepEqual(await storage.list(''), []);
  });

  test('the validator is asked, and its veto stores nothing', async () => {
    const asked: string[] = [];
    const fakeFetch = (_url: unknown, init?: RequestInit) => {
      asked.push(typeof init?.body === 'string' ? init.body : '');
      return Promise.resolve(new Response('licence not allowed', { status: 403 }));
    };
    const validator = new ValidatorGate({
      client: new ValidatorClient({
        url: 'http://127.0.0.1:9/v',
        timeoutMs: 1000,
        failOpen: false,
        fetch: fakeFetch as typeof fetch,
      }),
      privateService: true,
      vetoTtlMs: 0,
      goModHash: () => Promise.reject(new Error('not used for publishes')),
    });
    const storage = new MemoryStorage();
    const { p } = publisher(storage, validator);
    await refused(
      p.publish({
        modulePath: MOD,
        version: 'v1.0.0',
        zipFile: await good('v1.0.0'),
        publisher: 'alice',
      }),
      'forbidden',
      /refused by the validator: licence not allowed/,
    );
    assert.equal(asked.length, 1);
    const body = JSON.parse(asked[0]!) as Record<string, string>;
    assert.equal(body.module, MOD);
    assert.match(body.go_mod_h1 ?? '', /^h1:/);
    assert.deepEqual(await storage.list(''), []);
  });
});
