import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import { compilePolicy } from '../../../src/policy/index.js';
import type { SumdbClient } from '../../../src/sumdb/client/index.js';
import {
  handleSumdbRequest,
  parseSumdbPath,
  type SumdbProxyDeps,
} from '../../../src/sumdb/proxy/index.js';
import { TestSumdb } from '../../support/test-sumdb.js';
import {
  clientFor,
  fakeHash,
  fakeRecords,
  storedFiles,
  type ClientEnv,
} from '../client/sumdb-test-env.js';

const rec = fakeRecords(300);
const PRIVATE = 'example.com/private,*.corp.example';

function deps(client: SumdbClient, latestMaxAgeMs = 60_000): SumdbProxyDeps {
  return {
    databases: [client],
    policy: compilePolicy({ private: PRIVATE, noVerify: '', insecure: '', vcsPolicy: '' }),
    latestMaxAgeMs,
  };
}

function rejectsWith(kind: string, pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof ModgateError, String(err));
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

async function direct(db: TestSumdb, path: string): Promise<Buffer> {
  const res = await fetch(db.url + path);
  assert.equal(res.status, 200, path);
  return Buffer.from(await res.arrayBuffer());
}

describe('parseSumdbPath', () => {
  const names = ['sum.golang.org', 'example.com/sumdb', 'example.com/sumdb/deeper'];

  test('endpoints of each database, longest name first', () => {
    assert.deepEqual(parseSumdbPath('/sumdb/sum.golang.org/supported', names), {
      kind: 'supported',
      name: 'sum.golang.org',
    });
    assert.deepEqual(parseSumdbPath('/sumdb/example.com/sumdb/deeper/latest', names), {
      kind: 'latest',
      name: 'example.com/sumdb/deeper',
    });
    assert.deepEqual(
      parseSumdbPath('/sumdb/sum.golang.org/lookup/github.com/!azure/go@v1.2.3-!r!c1', names),
      {
        kind: 'lookup',
        name: 'sum.golang.org',
        modulePath: 'github.com/Azure/go',
        version: 'v1.2.3-RC1',
      },
    );
    assert.deepEqual(
      parseSumdbPath('/sumdb/sum.golang.org/lookup/example.com/a@v2.0.0+incompatible', names),
      {
        kind: 'lookup',
        name: 'sum.golang.org',
        modulePath: 'example.com/a',
        version: 'v2.0.0+incompatible',
      },
    );
    assert.deepEqual(parseSumdbPath('/sumdb/example.com/sumdb/tile/8/1/x001/234.p/5', names), {
      kind: 'tile',
      name: 'example.com/sumdb',
      tile: { h: 8, l: 1, n: 1234, w: 5 },
    });
    assert.deepEqual(
      parseSumdbPath('/sumdb/sum.golang.org/lookup/github.com/%21azure/go@v1.0.0', names),
      {
        kind: 'lookup',
        name: 'sum.golang.org',
        modulePath: 'github.com/Azure/go',
        version: 'v1.0.0',
      },
    );
  });

  test('unknown databases and endpoints are not found', () => {
    for (const path of [
      '/sumdb/',
      '/sumdb/sum.golang.org',
      '/sumdb/other.example/supported',
      '/sumdb/sum.golang.org/other',
      '/sumdb/sum.golang.org/lookup',
      '/github.com/x/@v/list',
    ]) {
      assert.throws(() => parseSumdbPath(path, names), rejectsWith('not-found', /not found/));
    }
    assert.throws(
      () => parseSumdbPath('/sumdb/other.example/supported', names),
      rejectsWith(
        'not-found',
        /unknown checksum database .* \(this proxy serves: sum\.golang\.org, /,
      ),
    );
  });

  test('malformed lookups and tiles are invalid', () => {
    for (const mod of [
      'example.com/a@1.0.0',
      'example.com/a',
      'example.com/a@v1.0',
      'example.com/a@v1.0.0@v1.0.0',
      'example.com/A@v1.0.0',
      'example.com/a@v1.0.0-!',
      '../x@v1.0.0',
      'example.com/%2fa@v1.0.0',
      'example.com/%zz@v1.0.0',
    ]) {
      assert.throws(
        () => parseSumdbPath(`/sumdb/sum.golang.org/lookup/${mod}`, names),
        (err: unknown) => err instanceof ModgateError && err.kind === 'invalid',
        mod,
      );
    }
    for (const tile of [
      'tile/8/0/0',
      'tile/8/0/1000',
      'tile/8/0/000.p/256',
      'tile/0/0/000',
      'tile/8/x/000',
      'tile/3/5/123/456/078',
    ]) {
      assert.throws(
        () => parseSumdbPath(`/sumdb/sum.golang.org/${tile}`, names),
        rejectsWith('invalid', /invalid tile syntax/),
      );
    }
  });
});

describe('handleSumdbRequest', () => {
  let db: TestSumdb;
  let env: ClientEnv;
  let base: string;
  before(async () => {
    db = await TestSumdb.create({ records: rec });
    await db.add([
      {
        path: 'github.com/Azure/go',
        version: 'v1.0.0',
        zipHash: fakeHash('az'),
        modHash: fakeHash('azm'),
      },
      {
        path: 'example.com/private/lib',
        version: 'v1.0.0',
        zipHash: fakeHash('p'),
        modHash: fakeHash('pm'),
      },
    ]);
    env = clientFor(db);
    base = `/sumdb/${db.name}`;
  });
  after(async () => {
    await env.close();
    await db.close();
  });

  test('supported: 200 for a configured database, 404 for another', async () => {
    const res = await handleSumdbRequest(`${base}/supported`, deps(env.client));
    assert.equal(res.status, 200);
    await assert.rejects(
      handleSumdbRequest('/sumdb/sum.golang.org/supported', deps(env.client)),
      rejectsWith('not-found', /unknown checksum database/),
    );
    await assert.rejects(
      handleSumdbRequest('/sumdb/sum.golang.org/lookup/example.com/m1@v1.0.1', deps(env.client)),
      rejectsWith('not-found', /unknown checksum database/),
    );
  });

  test('lookup: relays the database bytes once verified, then from the cache', async () => {
    const path = `/lookup/${rec[9]!.path}@${rec[9]!.version}`;
    const first = await handleSumdbRequest(base + path, deps(env.client));
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, await direct(db, path));
    assert.equal(first.headers['content-type'], 'text/plain; charset=UTF-8');
    assert.equal(first.headers['x-modgate-cache'], 'miss');
    const n = db.requests.length;
    const second = await handleSumdbRequest(base + path, deps(env.client));
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers['x-modgate-cache'], 'hit');
    assert.equal(db.requests.length, n);

    const upper = await handleSumdbRequest(
      `${base}/lookup/github.com/!azure/go@v1.0.0`,
      deps(env.client),
    );
    assert.match(upper.body.toString(), /^\d+\ngithub\.com\/Azure\/go v1\.0\.0 h1:/);
  });

  test('lookup of a private module path: 403, and the database never sees it', async () => {
    const n = db.requests.length;
    for (const path of ['example.com/private/lib@v1.0.0', 'git.corp.example/team/x@v1.0.0']) {
      await assert.rejects(
        handleSumdbRequest(`${base}/lookup/${path}`, deps(env.client)),
        rejectsWith(
          'forbidden',
          /private module: its path is never sent to checksum database .*GONOSUMDB/,
        ),
      );
    }
    assert.equal(db.requests.length, n);
    assert.deepEqual(db.requestsFor('private'), []);
  });

  test('lookup of a module the database does not know: 404', async () => {
    await assert.rejects(
      handleSumdbRequest(`${base}/lookup/example.com/nope@v1.0.0`, deps(env.client)),
      rejectsWith('not-found', /404 Not Found/),
    );
  });

  test('tiles: hash and data, full and partial, with fitting caching headers', async () => {
    for (const [path, type, cache] of [
      ['/tile/8/0/000', 'application/octet-stream', /immutable/],
      ['/tile/8/0/001.p/46', 'application/octet-stream', /max-age=60$/],
      ['/tile/8/1/000.p/1', 'application/octet-stream', /max-age=60$/],
      ['/tile/8/data/000', 'text/plain; charset=UTF-8', /immutable/],
      ['/tile/8/data/001.p/46', 'text/plain; charset=UTF-8', /max-age=60$/],
    ] as const) {
      const res = await handleSumdbRequest(base + path, deps(env.client));
      assert.deepEqual(res.body, await direct(db, path), path);
      assert.equal(res.headers['content-type'], type, path);
      assert.match(res.headers['cache-control'] ?? '', cache, path);
    }
    await env.client.settle(); // writes behind lookups land first
    const files = await storedFiles(env.storage, db.name);
    assert.ok(files.includes('tile/8/0/000') && files.includes('tile/8/data/000'), files.join(' '));
    await assert.rejects(
      handleSumdbRequest(`${base}/tile/8/0/005`, deps(env.client)),
      rejectsWith('not-found', /beyond the tree/),
    );
    await assert.rejects(
      handleSumdbRequest(`${base}/tile/4/0/000`, deps(env.client)),
      rejectsWith('not-found', /height 8/),
    );
    await assert.rejects(
      handleSumdbRequest(`${base}/tile/8/0/00`, deps(env.client)),
      rejectsWith('invalid', /invalid tile syntax/),
    );
  });

  test('latest: the verified head, reused for latestMaxAgeMs', async () => {
    const res = await handleSumdbRequest(`${base}/latest`, deps(env.client, 60_000));
    assert.deepEqual(res.body, await db.signedTree());
    assert.equal(res.headers['content-type'], 'text/plain; charset=UTF-8');
    const n = db.requestsFor('/latest').length;
    await handleSumdbRequest(`${base}/latest`, deps(env.client, 60_000));
    assert.equal(db.requestsFor('/latest').length, n);
    await handleSumdbRequest(`${base}/latest`, deps(env.client, 0));
    assert.equal(db.requestsFor('/latest').length, n + 1);
  });
});

describe('handleSumdbRequest with a misbehaving or absent database', () => {
  test('a fork is refused (checksum) and nothing of it is cached', async () => {
    const db = await TestSumdb.create({ records: fakeRecords(10) });
    const env = clientFor(db);
    try {
      const base = `/sumdb/${db.name}`;
      await handleSumdbRequest(`${base}/lookup/example.com/m1@v1.0.1`, deps(env.client));
      await db.fork(5, fakeRecords(10, 5, 'example.com/other'));
      await assert.rejects(
        handleSumdbRequest(`${base}/lookup/example.com/other7@v1.0.7`, deps(env.client)),
        rejectsWith('checksum', /misbehavior: fork detected/),
      );
      await assert.rejects(
        handleSumdbRequest(`${base}/latest`, deps(env.client, 0)),
        rejectsWith('checksum', /misbehavior: fork detected/),
      );
      await env.client.settle(); // writes behind lookups land first
      const files = await storedFiles(env.storage, db.name);
      assert.ok(!files.some((f) => f.includes('other')), files.join(' '));
    } finally {
      await env.close();
      await db.close();
    }
  });

  test('latest is served stale from the remembered head when the database is down', async () => {
    const db = await TestSumdb.create({ records: fakeRecords(3) });
    const env = clientFor(db);
    try {
      const base = `/sumdb/${db.name}`;
      const fresh = await handleSumdbRequest(`${base}/latest`, deps(env.client, 0));
      await handleSumdbRequest(`${base}/lookup/example.com/m1@v1.0.1`, deps(env.client));
      await db.close();
      const stale = await handleSumdbRequest(`${base}/latest`, deps(env.client, 0));
      assert.deepEqual(stale.body, fresh.body);
      assert.match(stale.headers.warning ?? '', /^111 /);
      assert.match(stale.headers['x-modgate-stale-reason'] ?? '', /ECONNREFUSED|UND_ERR_SOCKET/);
      // A lookup cached earlier is still served; a new one is an upstream failure.
      const cached = await handleSumdbRequest(
        `${base}/lookup/example.com/m1@v1.0.1`,
        deps(env.client),
      );
      assert.equal(cached.headers['x-modgate-cache'], 'hit');
      await assert.rejects(
        handleSumdbRequest(`${base}/lookup/example.com/m2@v1.0.2`, deps(env.client)),
        rejectsWith('upstream', /ECONNREFUSED|UND_ERR_SOCKET/),
      );
    } finally {
      await env.close();
    }
  });
});
