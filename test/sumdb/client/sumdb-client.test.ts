import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import { MemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import { SumdbForkError, sumdbLatestKey } from '../../../src/sumdb/client/index.js';
import { generateKey, newSigner, newVerifier, sign } from '../../../src/sumdb/note/index.js';
import { parseTilePath } from '../../../src/sumdb/tlog/index.js';
import { TestSumdb, recordText } from '../../support/test-sumdb.js';
import { USER_AGENT, clientFor, fakeHash, fakeRecords, storedFiles } from './sumdb-test-env.js';
import { compilePolicy } from '../../../src/policy/index.js';

const rec = fakeRecords(300);
const r = (i: number) => rec[i]!;

function isError(kind: string, pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof ModgateError, `not a ModgateError: ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('SumdbClient lookups against a test database', () => {
  let db: TestSumdb;
  before(async () => {
    db = await TestSumdb.create({ records: rec });
  });
  after(() => db.close());

  test('returns the verified go.sum lines, remembers the head, caches lookup and full tiles', async () => {
    const env = clientFor(db);
    try {
      const lines = await env.client.lookup(r(5).path, r(5).version);
      assert.deepEqual(lines, recordText(r(5)).trimEnd().split('\n'));
      const modOnly = await env.client.lookup(r(5).path, `${r(5).version}/go.mod`);
      assert.deepEqual(modOnly, [`${r(5).path} ${r(5).version}/go.mod ${r(5).modHash}`]);
      const stored = await env.storage.getBytes(sumdbLatestKey(db.name));
      assert.deepEqual(stored, await db.signedTree());
      await env.client.settle(); // the lookup answer is written to the cache behind the lookup
      const files = await storedFiles(env.storage, db.name);
      assert.ok(files.includes(`lookup/${r(5).path}@${r(5).version}`), files.join(' '));
      assert.ok(files.includes('tile/8/0/000'), files.join(' '));
      assert.ok(
        files.every((f) => !f.includes('.p/')),
        'partial tiles are not persisted',
      );
      assert.ok(db.requests.every((q) => q.userAgent === USER_AGENT));

      // Another record in the same tree: the full tile comes from the cache now.
      const before = db.requests.length;
      await env.client.lookup(r(299).path, r(299).version);
      const newRequests = db.requests.slice(before).map((q) => q.path);
      assert.deepEqual(newRequests, [`/lookup/${r(299).path}@${r(299).version}`]);

      // A cached lookup needs no request at all.
      await env.client.lookup(r(5).path, r(5).version);
      assert.equal(db.requests.length, before + 1);
    } finally {
      await env.close();
    }
  });

  test('a verified lookup is answered before its cache write ends, and from memory after it', async () => {
    // A cache whose writes hang until released, counting its reads.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let putStarted: () => void = () => undefined;
    const putCalled = new Promise<void>((resolve) => (putStarted = resolve));
    const puts: string[] = [];
    let gets = 0;
    const inner = new MemoryStorage();
    const cache = {
      get: async (file: string) => {
        gets++;
        return inner.getBytes(`c/${file}`);
      },
      put: async (file: string, data: Buffer) => {
        if (file.startsWith('lookup/')) {
          puts.push(file);
          putStarted();
          await released;
        }
        await inner.putBytes(`c/${file}`, data);
      },
    };
    const env = clientFor(db, { client: { cache } });
    try {
      const lookup = env.client.lookup(r(7).path, r(7).version);
      await putCalled;
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        lookup.then(() => 'answered'),
        new Promise<string>((resolve) => (timer = setTimeout(() => resolve('waited'), 10_000))),
      ]);
      clearTimeout(timer);
      assert.equal(outcome, 'answered', 'the lookup waited for its cache write');
      assert.deepEqual(await lookup, recordText(r(7)).trimEnd().split('\n'));
      // The same version again (both forms): from memory, no request, no cache read.
      const requests = db.requests.length;
      const reads = gets;
      await env.client.lookup(r(7).path, `${r(7).version}/go.mod`);
      await env.client.lookup(r(7).path, r(7).version);
      assert.equal(db.requests.length, requests);
      assert.equal(gets, reads);
      // settle waits for the write behind.
      let settled = false;
      const settling = env.client.settle().then(() => (settled = true));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(settled, false);
      release();
      await settling;
      assert.deepEqual(puts, [`lookup/${r(7).path}@${r(7).version}`]);
      assert.ok(await inner.getBytes(`c/lookup/${r(7).path}@${r(7).version}`));
    } finally {
      release();
      await env.close();
    }
  });

  test('a tree note identical to the remembered one is not verified again', async () => {
    const key = newVerifier(db.verifierKey);
    let verified = 0;
    const verifier = {
      name: key.name,
      keyHash: key.keyHash,
      verify: (msg: Uint8Array, sig: Uint8Array) => {
        verified++;
        return key.verify(msg, sig);
      },
    };
    const env = clientFor(db, { client: { verifier } });
    try {
      await env.client.lookup(r(10).path, r(10).version);
      const once = verified;
      assert.ok(once >= 1);
      // Three more versions, each answer carrying the same signed head.
      for (const i of [11, 12, 13]) await env.client.lookup(r(i).path, r(i).version);
      assert.equal(verified, once);
      // /latest answering that same head: not verified again either.
      assert.deepEqual(await env.client.latest(0), await env.client.remembered());
      assert.equal(verified, once);
    } finally {
      await env.close();
    }
  });

  test('escapes upper-case paths and versions in the request', async () => {
    const upper = {
      path: 'github.com/Azure/Go',
      version: 'v1.2.3-RC1',
      zipHash: fakeHash('a'),
      modHash: fakeHash('b'),
    };
    await db.add([upper]);
    const env = clientFor(db);
    try {
      const lines = await env.client.lookup(upper.path, upper.version);
      assert.equal(lines.length, 2);
      assert.ok(db.requestsFor('/lookup/github.com/!azure/!go@v1.2.3-!r!c1').length > 0);
    } finally {
      await env.close();
    }
  });

  test('verifyModule: passes on equal hashes, names both hashes on a mismatch', async () => {
    const env = clientFor(db);
    try {
      const { path, version, zipHash, modHash } = r(7);
      await env.client.verifyModule(path, version, { zipHash, modHash });
      await env.client.verifyModule(path, version, { modHash });
      const bad = fakeHash('tampered');
      await assert.rejects(
        env.client.verifyModule(path, version, { zipHash: bad, modHash }),
        isError(
          'checksum',
          new RegExp(
            `^checksum mismatch for ${path}@${version}: zip: expected ${escape(zipHash)}, got ${escape(bad)}$`,
          ),
        ),
      );
      await assert.rejects(
        env.client.verifyModule(path, version, { zipHash, modHash: bad }),
        isError(
          'checksum',
          new RegExp(`: go.mod: expected ${escape(modHash)}, got ${escape(bad)}$`),
        ),
      );
    } finally {
      await env.close();
    }
  });

  test('verifyModule passes when the database has no line for the file', async () => {
    const zipOnly = {
      path: 'example.com/ziponly',
      version: 'v1.0.0',
      zipHash: fakeHash('z'),
      modHash: '',
    };
    await db.add([{ ...zipOnly, text: `${zipOnly.path} ${zipOnly.version} ${zipOnly.zipHash}\n` }]);
    const env = clientFor(db);
    try {
      const lines = await env.client.verifyModule(zipOnly.path, zipOnly.version, {
        zipHash: zipOnly.zipHash,
        modHash: fakeHash('anything'),
      });
      assert.equal(lines.length, 1);
    } finally {
      await env.close();
    }
  });

  test('an unknown module is not-found, and nothing is cached', async () => {
    const env = clientFor(db);
    try {
      await assert.rejects(
        env.client.lookup('example.com/unknown', 'v1.0.0'),
        isError(
          'not-found',
          /checksum database sumdb\.modgate\.test: example\.com\/unknown@v1\.0\.0: reading .*404 Not Found/,
        ),
      );
      await env.client.settle(); // writes behind lookups land first
      assert.deepEqual(await storedFiles(env.storage, db.name), []);
    } finally {
      await env.close();
    }
  });

  test('bad module paths and versions are invalid before any request', async () => {
    const env = clientFor(db);
    const n = db.requests.length;
    try {
      await assert.rejects(
        env.client.lookup('not a path', 'v1.0.0'),
        isError('invalid', /malformed module path/),
      );
      await assert.rejects(
        env.client.lookup('example.com/a', 'v1!0'),
        isError('invalid', /version/),
      );
      assert.equal(db.requests.length, n);
    } finally {
      await env.close();
    }
  });

  test('concurrent lookups of one module version share one lookup and one fetch per tile', async () => {
    const env = clientFor(db);
    const n = db.requests.length;
    db.delayMs = 30;
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => env.client.lookup(r(100).path, r(100).version)),
      );
      assert.ok(results.every((lines) => lines.length === 2));
      const paths = db.requests.slice(n).map((q) => q.path);
      assert.equal(paths.filter((p) => p.startsWith('/lookup/')).length, 1, paths.join(' '));
      assert.equal(
        new Set(paths).size,
        paths.length,
        `a path was fetched twice: ${paths.join(' ')}`,
      );
    } finally {
      db.delayMs = 0;
      await env.close();
    }
  });

  test('lookups of different modules at once fetch each tile once', async () => {
    const env = clientFor(db);
    const n = db.requests.length;
    db.delayMs = 30;
    try {
      await Promise.all(
        [1, 2, 3, 4, 260, 270].map((i) => env.client.lookup(r(i).path, r(i).version)),
      );
      const tiles = db.requests
        .slice(n)
        .map((q) => q.path)
        .filter((p) => p.startsWith('/tile/'));
      assert.equal(new Set(tiles).size, tiles.length, tiles.join(' '));
    } finally {
      db.delayMs = 0;
      await env.close();
    }
  });

  test('a second client over the same storage starts from the remembered head', async () => {
    const storage = new MemoryStorage();
    const first = clientFor(db, { storage });
    await first.client.lookup(r(1).path, r(1).version);
    await first.close();
    const second = clientFor(db, { storage });
    try {
      assert.deepEqual(await second.client.remembered(), await db.signedTree());
    } finally {
      await second.close();
    }
  });
});

describe('SumdbClient refuses a misbehaving database', () => {
  test('fork to a larger tree: refused, the remembered head kept, nothing cached', async () => {
    const db = await TestSumdb.create({ records: fakeRecords(10) });
    const env = clientFor(db);
    try {
      await env.client.lookup(r(3).path, r(3).version);
      const head = await env.storage.getBytes(sumdbLatestKey(db.name));
      assert.ok(head);
      // Same key, a different history: records 5.. differ.
      await db.fork(5, fakeRecords(20, 5, 'example.com/other'));
      const other = 'example.com/other12';
      await assert.rejects(env.client.lookup(other, 'v1.0.12'), (err: unknown) => {
        assert.ok(err instanceof SumdbForkError);
        assert.equal(err.kind, 'checksum');
        assert.match(
          err.message,
          /^checksum database sumdb\.modgate\.test misbehavior: fork detected: tree #10 /,
        );
        assert.match(err.olderNote, /^go\.sum database tree\n10\n/);
        assert.match(err.newerNote, /^go\.sum database tree\n25\n/);
        return true;
      });
      assert.deepEqual(await env.storage.getBytes(sumdbLatestKey(db.name)), head);
      assert.deepEqual(await env.client.remembered(), head);
      await env.client.settle(); // writes behind lookups land first
      const files = await storedFiles(env.storage, db.name);
      assert.ok(!files.some((f) => f.includes('other')), files.join(' '));

      // A fresh client over the same storage is just as suspicious.
      const again = clientFor(db, { storage: env.storage });
      await assert.rejects(again.client.lookup(other, 'v1.0.12'), SumdbForkError);
      await again.close();
    } finally {
      await env.close();
      await db.close();
    }
  });

  test('after a fork, later fetches by the same client stay refused; verified lookups stay served', async () => {
    const db = await TestSumdb.create({ records: fakeRecords(10) });
    const env = clientFor(db, { client: { latestMaxAgeMs: 0 } });
    try {
      await env.client.lookup(r(3).path, r(3).version);
      const head = await env.client.remembered();
      await db.fork(5, fakeRecords(5, 5, 'example.com/other'));
      await assert.rejects(env.client.lookup('example.com/other7', 'v1.0.7'), SumdbForkError);
      // The database grows on from its forked history: still not an extension of our head.
      await db.add(fakeRecords(300, 100, 'example.com/later'));
      await assert.rejects(env.client.lookup('example.com/later250', 'v1.0.250'), SumdbForkError);
      await assert.rejects(env.client.latest(0), SumdbForkError);
      await assert.rejects(env.client.readTile(parseTilePath('tile/8/0/001')), SumdbForkError);
      assert.deepEqual(await env.client.remembered(), head);
      // What was verified before the fork is still answered, from the cache.
      const before = db.requests.length;
      assert.deepEqual(
        await env.client.lookup(r(3).path, r(3).version),
        recordText(r(3)).trimEnd().split('\n'),
      );
      assert.equal(db.requests.length, before);
    } finally {
      await env.close();
      await db.close();
    }
  });

  test('fork to a smaller tree: refused', async () => {
    const db = await TestSumdb.create({ records: fakeRecords(10) });
    const env = clientFor(db);
    try {
      await env.client.lookup(r(3).path, r(3).version);
      await db.fork(4, fakeRecords(3, 4, 'example.com/other'));
      await assert.rejects(
        env.client.lookup('example.com/other5', 'v1.0.5'),
        isError('checksum', /misbehavior: fork detected: tree #7 .* is not a prefix of tree #10 /),
      );
    } finally {
      await env.close();
      await db.close();
    }
  });

  test('same size, another hash: fork', async () => {
    const db = await TestSumdb.create({ records: fakeRecords(10) });
    const env = clientFor(db);
    try {
      await env.client.lookup(r(3).path, r(3).version);
      await db.fork(9, fakeRecords(1, 50, 'example.com/other'));
      await assert.rejects(
        env.client.lookup('example.com/other50', 'v1.0.50'),
        isError('checksum', /fork detected: tree #10 .* is not a prefix of tree #10 /),
      );
    } finally {
      await env.close();
      await db.close();
    }
  });

  describe('bad answers', () => {
    let db: TestSumdb;
    before(async () => {
      db = await TestSumdb.create({ records: rec });
    });
    after(() => db.close());

    // Authentic data learnt on the way (a verified head, tiles proved against it) may be kept;
    // the refused answer never is.
    async function refused(
      kind: string,
      pattern: RegExp,
      opts: { keepsHead?: boolean; keepsTiles?: boolean } = {},
    ) {
      const env = clientFor(db);
      try {
        await assert.rejects(env.client.lookup(r(42).path, r(42).version), isError(kind, pattern));
        await env.client.settle(); // writes behind lookups land first
        const files = await storedFiles(env.storage, db.name);
        const cached = files.filter(
          (f) => f !== 'latest' && !(opts.keepsTiles === true && f.startsWith('tile/')),
        );
        assert.deepEqual(cached, [], 'nothing cached');
        if (!opts.keepsHead) assert.ok(!files.includes('latest'), 'no head remembered');
      } finally {
        await env.close();
      }
    }

    test('a spoiled signature', async () => {
      db.transform = (path, body) => {
        if (!path.startsWith('/lookup/')) return body;
        const s = body.toString('utf8');
        const i = s.lastIndexOf(' ') + 20;
        return Buffer.from(s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1));
      };
      try {
        await refused(
          'checksum',
          /sumdb\.modgate\.test: .*: reading tree note: invalid signature for key sumdb\.modgate\.test\+/,
        );
      } finally {
        db.transform = undefined;
      }
    });

    test('a note signed by another key', async () => {
      const stranger = newSigner(generateKey(db.name).signer);
      db.transform = (path, body) => {
        if (!path.startsWith('/lookup/')) return body;
        const s = body.toString('utf8');
        const text = s.slice(s.indexOf('go.sum database tree'), s.lastIndexOf('\n\n') + 1);
        return Buffer.concat([
          Buffer.from(s.slice(0, s.indexOf('go.sum database tree'))),
          sign({ text }, [stranger]),
        ]);
      };
      try {
        await refused('checksum', /reading tree note: note has no verifiable signatures/);
      } finally {
        db.transform = undefined;
      }
    });

    test('malformed notes and records', async () => {
      const path = `/lookup/${r(42).path}@${r(42).version}`;
      for (const [body, pattern] of [
        ['42\nnot a record\n\nno note here', /reading tree note: malformed note/],
        [
          '42\n' + recordText(r(42)) + '\ngo.sum database tree\nxx\n\n— sumdb x\n',
          /reading tree note: malformed note|invalid/,
        ],
        ['forty-two\n' + recordText(r(42)) + '\n', /malformed record data/],
        ['', /malformed record data/],
      ] as const) {
        db.overrides.set(path, { body });
        try {
          await refused('checksum', pattern);
        } finally {
          db.overrides.delete(path);
        }
      }
    });

    test('a record that is not the one in the tree', async () => {
      db.tampered.set(
        `${r(42).path}@${r(42).version}`,
        recordText({ ...r(42), zipHash: fakeHash('evil') }),
      );
      try {
        await refused('checksum', /cannot authenticate record data in server response/, {
          keepsHead: true,
          keepsTiles: true,
        });
      } finally {
        db.tampered.clear();
      }
    });

    test('truncated tiles', async () => {
      db.transform = (path, body) =>
        path.startsWith('/tile/') ? body.subarray(0, body.length - 7) : body;
      try {
        await refused(
          'checksum',
          /tile\/8\/\S+: served \d+ bytes, want \d+ \(truncated or malformed tile\)/,
          {
            keepsHead: true,
          },
        );
      } finally {
        db.transform = undefined;
      }
    });

    test('tiles with the right size and the wrong hashes', async () => {
      db.transform = (path, body) => {
        if (!path.startsWith('/tile/8/0/000')) return body;
        const copy = Buffer.from(body);
        copy[100] = copy[100]! ^ 1;
        return copy;
      };
      try {
        await refused('checksum', /checking record 42: downloaded inconsistent tile/, {
          keepsHead: true,
        });
      } finally {
        db.transform = undefined;
      }
    });

    test('a record id outside the signed tree', async () => {
      db.overrides.set(`/lookup/${r(42).path}@${r(42).version}`, {
        body: Buffer.concat([Buffer.from(`300\n${recordText(r(42))}\n`), await db.signedTree()]),
      });
      try {
        await refused('checksum', /cannot validate record 300 in tree of size 300/, {
          keepsHead: true,
        });
      } finally {
        db.overrides.clear();
      }
    });
  });

  test('a remembered head that does not verify with the key is reported as such', async () => {
    const db = await TestSumdb.create({ records: fakeRecords(3) });
    const storage = new MemoryStorage();
    const stranger = newSigner(generateKey(db.name).signer);
    await storage.putBytes(
      sumdbLatestKey(db.name),
      sign({ text: 'go.sum database tree\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n' }, [
        stranger,
      ]),
    );
    const env = clientFor(db, { storage });
    try {
      await assert.rejects(
        env.client.lookup(r(1).path, r(1).version),
        isError('checksum', /remembered tree head/),
      );
    } finally {
      await env.close();
      await db.close();
    }
  });
});

describe('SumdbClient tiles and reachability', () => {
  test('a partial tile the database no longer serves is read as a prefix of the full tile', async () => {
    const db = await TestSumdb.create({ records: fakeRecords(5) });
    const env = clientFor(db);
    try {
      const lookupPath = `/lookup/${r(2).path}@${r(2).version}`;
      const old = await fetch(db.url + lookupPath).then(async (res) =>
        Buffer.from(await res.arrayBuffer()),
      );
      await db.add(fakeRecords(295, 5));
      db.overrides.set(lookupPath, { body: old }); // a lookup answered with the tree of size 5
      const n = db.requests.length;
      assert.equal((await env.client.lookup(r(2).path, r(2).version)).length, 2);
      const paths = db.requests.slice(n).map((q) => q.path);
      assert.ok(paths.includes('/tile/8/0/000.p/5'), paths.join(' '));
      assert.ok(paths.includes('/tile/8/0/000'), paths.join(' '));
    } finally {
      await env.close();
      await db.close();
    }
  });

  test('readTile authenticates hash and data tiles, in both data tile formats', async () => {
    const get = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
    for (const dataTileFormat of ['x/mod', 'sum.golang.org'] as const) {
      const db = await TestSumdb.create({ records: rec, dataTileFormat });
      const env = clientFor(db);
      try {
        // Tiles the database serves as such.
        for (const path of [
          'tile/8/0/000',
          'tile/8/0/001.p/44',
          'tile/8/1/000.p/1',
          'tile/8/data/000',
          'tile/8/data/001.p/44',
        ]) {
          const { data } = await env.client.readTile(parseTilePath(path));
          assert.deepEqual(data, await get(`${db.url}/${path}`), path);
        }
        // Narrower partial tiles: prefixes of the widest one.
        const hashes = await env.client.readTile(parseTilePath('tile/8/0/001.p/3'));
        assert.deepEqual(hashes.data, (await get(`${db.url}/tile/8/0/001.p/44`)).subarray(0, 96));
        const records = await env.client.readTile(parseTilePath('tile/8/data/001.p/2'));
        const wide = await get(`${db.url}/tile/8/data/001.p/44`);
        assert.ok(records.data.length < wide.length);
        assert.deepEqual(records.data, wide.subarray(0, records.data.length));
        assert.equal(records.data.toString().split('\n\n').length, 3);
        assert.equal((await env.client.readTile(parseTilePath('tile/8/data/000'))).cached, true);
      } finally {
        await env.close();
        await db.close();
      }
    }
  });

  test('readTile reads through a newer tree when the database dropped a partial tile', async () => {
    const db = await TestSumdb.create({ records: fakeRecords(5) });
    const storage = new MemoryStorage();
    const first = clientFor(db, { storage });
    await first.client.lookup(r(1).path, r(1).version); // remembers tree 5
    await first.close();
    await db.add(fakeRecords(5, 5)); // now 10: tile/8/0/000.p/5 is no longer served
    const env = clientFor(db, { storage });
    try {
      const { data } = await env.client.readTile(parseTilePath('tile/8/0/000.p/3'));
      const wide = Buffer.from(await (await fetch(`${db.url}/tile/8/0/000.p/10`)).arrayBuffer());
      assert.deepEqual(data, wide.subarray(0, 96));
      assert.ok(db.requestsFor('/tile/8/0/000.p/5').length > 0);
    } finally {
      await env.close();
      await db.close();
    }
  });

  test('a client told a path is private never looks it up', async () => {
    const db = await TestSumdb.create({ records: fakeRecords(3) });
    const policy = compilePolicy({
      private: 'example.com/m1',
      noVerify: '',
      insecure: '',
      vcsPolicy: '',
    });
    const env = clientFor(db, { client: { policy } });
    try {
      await assert.rejects(
        env.client.verifyModule(r(1).path, r(1).version, { zipHash: r(1).zipHash }),
        isError('forbidden', /example\.com\/m1 is a private module/),
      );
      assert.deepEqual(db.requests, []);
    } finally {
      await env.close();
      await db.close();
    }
  });

  test('readTile refuses data tiles that do not match the tree, and tiles beyond it', async () => {
    const db = await TestSumdb.create({ records: rec });
    const env = clientFor(db);
    try {
      db.transform = (path, body) =>
        path.startsWith('/tile/8/data/')
          ? Buffer.from(body.toString().replace('example.com/m3 ', 'example.com/m4 '))
          : body;
      await assert.rejects(
        env.client.readTile(parseTilePath('tile/8/data/000')),
        isError('checksum', /record 3 does not match the tree/),
      );
      db.transform = undefined;
      await assert.rejects(
        env.client.readTile(parseTilePath('tile/8/0/002')),
        isError('not-found', /beyond the tree of size 300/),
      );
      await assert.rejects(
        env.client.readTile(parseTilePath('tile/4/0/002')),
        isError('not-found', /height 8/),
      );
      await env.client.settle(); // writes behind lookups land first
      assert.deepEqual(
        (await storedFiles(env.storage, db.name)).filter((f) => f.includes('data')),
        [],
      );
    } finally {
      await env.close();
      await db.close();
    }
  });

  test('an unreachable database is upstream, a silent one timeout', async () => {
    const db = await TestSumdb.create({ records: fakeRecords(3) });
    const silent = clientFor(db, { timeoutMs: 200 });
    db.delayMs = 2000;
    try {
      await assert.rejects(
        silent.client.lookup(r(1).path, r(1).version),
        isError('timeout', /timed out/),
      );
    } finally {
      await silent.close();
      await db.close();
    }
    const down = clientFor(db, { url: db.url });
    try {
      await assert.rejects(
        down.client.verifyModule(r(1).path, r(1).version, { zipHash: r(1).zipHash }),
        isError('upstream', /checksum database sumdb\.modgate\.test: .*ECONNREFUSED/),
      );
    } finally {
      await down.close();
    }
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
