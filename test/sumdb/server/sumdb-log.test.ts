import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import type { ChecksumGate } from '../../../src/service/checksum-gate.js';
import { MemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import {
  generateKey,
  newSigner,
  newVerifier,
  open,
  verifierList,
} from '../../../src/sumdb/note/index.js';
import {
  LogLayout,
  LoggedChecksumGate,
  StoredTileReader,
  SumdbLog,
  loadOrCreateServerKey,
  parseServerKey,
} from '../../../src/sumdb/server/index.js';
import {
  checkRecord,
  checkTree,
  newTiles,
  parseRecord,
  parseTree,
  proveRecord,
  proveTree,
  readTileData,
  recordHash,
  storedHashes,
  tilePath,
  treeHash,
  type Hash,
  type HashReader,
} from '../../../src/sumdb/tlog/index.js';
import { NAME, fakeH1, openServer, verifyingClient } from './server-env.js';

function rejectsWith(kind: string, pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof ModgateError, String(err));
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

const text = (i: number) =>
  Buffer.from(
    `example.com/m${i} v1.0.${i} ${fakeH1(`zip ${i}`)}\nexample.com/m${i} v1.0.${i}/go.mod ${fakeH1(`mod ${i}`)}\n`,
  );

/** An independent in-memory tlog of the same texts: the reference for tiles and hashes. */
async function referenceLog(texts: Buffer[]): Promise<HashReader & { hashes: Hash[] }> {
  const hashes: Hash[] = [];
  const r = { hashes, readHashes: (ix: readonly number[]) => ix.map((i) => hashes[i]!) };
  for (const [i, t] of texts.entries()) hashes.push(...(await storedHashes(i, t, r)));
  return r;
}

describe('server key', () => {
  test('created once under concurrent first use, then read back; the secret stays in storage', async () => {
    const storage = new MemoryStorage();
    let generated = 0;
    const gen = (name: string) => {
      generated++;
      return generateKey(name);
    };
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => loadOrCreateServerKey(storage, NAME, gen)),
    );
    assert.equal(generated, 1);
    assert.equal(new Set(keys.map((k) => k.verifierKey)).size, 1);
    const again = await loadOrCreateServerKey(storage, NAME, gen);
    assert.equal(generated, 1);
    assert.equal(again.verifierKey, keys[0]!.verifierKey);
    assert.match(again.verifierKey, /^sumdb\.corp\.example\+[0-9a-f]{8}\+A/);
    const stored = (await storage.getBytes(new LogLayout(NAME).signerKey))!.toString();
    assert.match(stored, /^PRIVATE\+KEY\+sumdb\.corp\.example\+/);
    // The stored signer and the derived verifier are one pair.
    const msg = Buffer.from('hello\n');
    const sig = again.signer.sign(msg);
    assert.ok(newVerifier(again.verifierKey).verify(msg, sig));
  });

  test('a stored key for another name or a garbled one is refused without quoting it', () => {
    const other = generateKey('other.example').signer;
    assert.throws(() => parseServerKey(NAME, other), rejectsWith('invalid', /belongs to/));
    assert.throws(
      () => parseServerKey(NAME, 'PRIVATE+KEY+sumdb.corp.example+00000000+AAAA'),
      (err) => err instanceof ModgateError && !err.message.includes('AAAA'),
    );
  });
});

describe('SumdbLog', () => {
  test('an empty log has a signed head of size 0', async () => {
    const env = await openServer();
    assert.equal(env.log.tree.n, 0);
    const note = open(env.log.signedHead, verifierList(env.key.verifier));
    assert.equal(parseTree(note.text).n, 0);
  });

  test('300 appends: ids in order, tiles equal an independent tlog, full tiles prune their partials, proofs check', async () => {
    const env = await openServer(undefined, { maxBatch: 7 });
    const texts = Array.from({ length: 300 }, (_, i) => text(i));
    const records = await Promise.all(
      texts.map((t, i) => env.log.append(`example.com/m${i}`, `v1.0.${i}`, t)),
    );
    assert.deepEqual(
      records.map((r) => r.id),
      texts.map((_, i) => i),
    );
    assert.equal(env.log.tree.n, 300);
    const ref = await referenceLog(texts);
    assert.ok(env.log.tree.hash.equals(await treeHash(300, ref)));

    // Every tile the final tree needs (as a client would ask for it), hash and data.
    const layout = new LogLayout(NAME);
    for (const tile of newTiles(8, 0, 300)) {
      const full = tile.w === 256;
      const fringe = tile.l === 0 ? tile.w === 44 : tile.w === 1;
      const stored = await env.storage.getBytes(layout.tile(tile));
      if (!full && !fringe) {
        if (tile.n === 0) assert.equal(stored, null, `${tilePath(tile)} pruned`);
        continue;
      }
      assert.ok(stored, tilePath(tile));
      assert.ok(stored.equals(await readTileData(tile, ref)), tilePath(tile));
      if (tile.l === 0) {
        const data = await env.storage.getBytes(layout.tile({ ...tile, l: -1 }));
        const want = Buffer.concat(
          texts.slice(tile.n * 256, tile.n * 256 + tile.w).flatMap((t) => [t, Buffer.from('\n')]),
        );
        assert.ok(data?.equals(want), `data ${tilePath(tile)}`);
      }
    }
    // The fringe of level 0 keeps every partial width (clients with an older head ask for them).
    for (let w = 1; w <= 44; w++) {
      assert.ok(await env.storage.getBytes(layout.tile({ h: 8, l: 0, n: 1, w })), `001.p/${w}`);
    }

    // Inclusion and consistency proofs computed from the stored tiles check out.
    const reader = new StoredTileReader(env.storage, layout, 8, () => 300);
    const root = env.log.tree.hash;
    for (const id of [0, 1, 99, 255, 256, 299]) {
      const proof = await proveRecord(300, id, reader);
      checkRecord(proof, 300, root, id, recordHash(texts[id]!));
    }
    for (const old of [1, 7, 256, 257, 299]) {
      const proof = await proveTree(300, old, reader);
      checkTree(proof, 300, root, old, await treeHash(old, ref));
    }
  });

  test('concurrent appends are serialized into batches; the same version twice gets one record', async () => {
    let heads = 0;
    const storage = new MemoryStorage();
    const put = storage.putBytes.bind(storage);
    storage.putBytes = (key, data, signal) => {
      if (key.endsWith('/latest')) heads++;
      return put(key, data, signal);
    };
    const env = await openServer(storage);
    heads = 0;
    const results = await Promise.all([
      ...Array.from({ length: 50 }, (_, i) =>
        env.log.append(`example.com/m${i}`, `v1.0.${i}`, text(i)),
      ),
      env.log.append('example.com/m3', 'v1.0.3', text(3)),
    ]);
    assert.equal(env.log.tree.n, 50);
    assert.deepEqual(new Set(results.slice(0, 50).map((r) => r.id)).size, 50);
    assert.equal(results[50]!.id, results[3]!.id);
    assert.ok(heads < 50, `${heads} heads written for 50 appends`);
    // Appending a logged version again returns its record and changes nothing.
    const again = await env.log.append('example.com/m3', 'v1.0.3', text(999));
    assert.equal(again.id, results[3]!.id);
    assert.ok(again.text.equals(text(3)));
    assert.equal(env.log.tree.n, 50);
  });

  test('reopened from storage: same head, appends continue, a client that saw the old head verifies the new one', async () => {
    const first = await openServer();
    const client = verifyingClient(first);
    for (let i = 0; i < 5; i++) await first.hosted.lookup(`example.com/m${i}`, `v1.0.${i}`);
    await client.lookup('example.com/m2', 'v1.0.2');

    const second = await openServer(first.storage, {}, first.source);
    assert.equal(second.key.verifierKey, first.key.verifierKey);
    assert.equal(second.log.tree.n, 5);
    assert.ok(second.log.tree.hash.equals(first.log.tree.hash));
    first.hosted = second.hosted; // the client now talks to the restarted server
    for (let i = 5; i < 300; i++) await second.hosted.lookup(`example.com/m${i}`, `v1.0.${i}`);
    const lines = await client.lookup('example.com/m280', 'v1.0.280');
    assert.deepEqual(lines, [
      `example.com/m280 v1.0.280 ${fakeH1('zip example.com/m280@v1.0.280')}`,
      `example.com/m280 v1.0.280/go.mod ${fakeH1('mod example.com/m280@v1.0.280')}`,
    ]);
    await client.lookup('example.com/m1', 'v1.0.1');
  });

  test('crash between records/tiles and the head: the head is the truth, the residue is ignored and overwritten', async () => {
    let crash = false;
    const env = await openServer(undefined, {
      beforeHead: () => (crash ? Promise.reject(new Error('simulated crash')) : Promise.resolve()),
    });
    const client = verifyingClient(env);
    for (let i = 0; i < 10; i++) await env.hosted.lookup(`example.com/m${i}`, `v1.0.${i}`);
    await client.lookup('example.com/m9', 'v1.0.9');
    const before = env.log.tree;

    crash = true;
    await assert.rejects(env.hosted.lookup('example.com/ghost', 'v1.0.0'), /simulated crash/);
    assert.equal(env.log.tree.n, 10);
    // The residue is there: an index file and tiles past the head.
    const layout = new LogLayout(NAME);
    assert.ok(await env.storage.getBytes(layout.record('example.com/ghost', 'v1.0.0')));
    assert.ok(await env.storage.getBytes(layout.tile({ h: 8, l: 0, n: 0, w: 11 })));

    // Restart ("modgate died"): the stored head wins.
    crash = false;
    const restarted = await openServer(env.storage, {}, env.source);
    assert.equal(restarted.log.tree.n, 10);
    assert.ok(restarted.log.tree.hash.equals(before.hash));
    assert.equal(await restarted.log.find('example.com/ghost', 'v1.0.0'), undefined);
    assert.equal(
      await restarted.hosted.readTile({ h: 8, l: 0, n: 0, w: 11 }).catch(() => null),
      null,
      'a tile past the head is not served',
    );
    // Another version takes id 10; the ghost is appended again after it.
    env.hosted = restarted.hosted;
    await restarted.hosted.lookup('example.com/other', 'v1.0.0');
    const ghost = parseRecord(await restarted.hosted.lookup('example.com/ghost', 'v1.0.0'));
    assert.equal(ghost.id, 11);
    // The client that saw the pre-crash head accepts the new one (no fork) and the records.
    assert.equal((await client.lookup('example.com/other', 'v1.0.0')).length, 2);
    assert.equal((await client.lookup('example.com/ghost', 'v1.0.0')).length, 2);
  });

  test('close waits for queued appends, then refuses new ones', async () => {
    const env = await openServer();
    const queued = Array.from({ length: 20 }, (_, i) =>
      env.log.append(`example.com/m${i}`, `v1.0.${i}`, text(i)),
    );
    await env.log.close();
    assert.equal(env.log.tree.n, 20);
    assert.equal((await Promise.all(queued)).length, 20);
    await assert.rejects(
      env.log.append('example.com/late', 'v1.0.0', text(99)),
      rejectsWith('unavailable', /shutting down/),
    );
  });

  test('refuses to open a log signed by another key, or whose tiles do not match its head', async () => {
    const env = await openServer();
    for (let i = 0; i < 3; i++) await env.hosted.lookup(`example.com/m${i}`, `v1.0.${i}`);
    const other = generateKey(NAME);
    await assert.rejects(
      SumdbLog.open({
        storage: env.storage,
        name: NAME,
        signer: newSigner(other.signer),
        verifier: newVerifier(other.verifier),
      }),
      rejectsWith('internal', /does not verify with this database's key/),
    );
    const layout = new LogLayout(NAME);
    const tile = layout.tile({ h: 8, l: 0, n: 0, w: 3 });
    const data = (await env.storage.getBytes(tile))!;
    data[data.length - 1] = data[data.length - 1]! ^ 1;
    await env.storage.putBytes(tile, data);
    await assert.rejects(openServer(env.storage), rejectsWith('internal', /do not match/));
  });
});

describe('HostedSumdb and LoggedChecksumGate', () => {
  test('lookups append on first use only; the go command algorithm verifies every answer', async () => {
    const env = await openServer();
    const paths: string[] = [];
    const client = verifyingClient(env, undefined, paths);
    const lines = await client.lookup('example.com/Upper', 'v1.2.3');
    assert.equal(lines.length, 2);
    assert.ok(paths.includes('/lookup/example.com/!upper@v1.2.3'), paths.join(' '));
    await env.hosted.lookup('example.com/Upper', 'v1.2.3');
    assert.deepEqual(env.source.calls, ['example.com/Upper@v1.2.3']);
    assert.equal(env.log.tree.n, 1);
    // go.mod-only verification of the same version uses the same record.
    const mod = await client.lookup('example.com/Upper', 'v1.2.3/go.mod');
    assert.equal(mod.length, 1);
  });

  test('bad input and unknown versions append nothing', async () => {
    const env = await openServer();
    await assert.rejects(
      env.hosted.lookup('example.com/m', 'v1.0'),
      rejectsWith('invalid', /canonical/),
    );
    await assert.rejects(
      env.hosted.lookup('example.com/m/v2', 'v1.0.0'),
      rejectsWith('invalid', /canonical/),
    );
    await assert.rejects(
      env.hosted.lookup('Example..com/m', 'v1.0.0'),
      rejectsWith('invalid', /canonical/),
    );
    await assert.rejects(
      env.hosted.lookup('missing.example/m', 'v1.0.0'),
      rejectsWith('not-found', /not found/),
    );
    await assert.rejects(
      env.hosted.readTile({ h: 8, l: 0, n: 0, w: 1 }),
      rejectsWith('not-found', /not in the tree/),
    );
    assert.equal(env.log.tree.n, 0);
    assert.deepEqual(env.source.calls, ['missing.example/m@v1.0.0']);
  });

  test('concurrent lookups of one new version fetch it once', async () => {
    const env = await openServer();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => env.hosted.lookup('example.com/once', 'v1.0.0')),
    );
    assert.equal(env.source.calls.length, 1);
    assert.equal(new Set(answers.map((a) => a.toString())).size, 1);
  });

  test('content that differs from the logged record is refused; logged content and unlogged versions pass', async () => {
    const env = await openServer();
    await env.hosted.lookup('example.com/fixed', 'v1.0.0');
    const gate: ChecksumGate = new LoggedChecksumGate(env.log);
    const signal = new AbortController().signal;
    const zip = fakeH1('zip example.com/fixed@v1.0.0');
    const file = { modulePath: 'example.com/fixed', version: 'v1.0.0', isPrivate: true } as const;
    await gate.check({ ...file, file: 'zip', hash: zip }, { signal });
    await gate.check(
      { ...file, file: 'mod', hash: fakeH1('mod example.com/fixed@v1.0.0') },
      { signal },
    );
    await gate.check({ ...file, version: 'v1.0.1', file: 'zip', hash: fakeH1('x') }, { signal });
    await assert.rejects(
      gate.check({ ...file, file: 'zip', hash: fakeH1('moved') }, { signal }),
      rejectsWith(
        'checksum',
        new RegExp(
          `checksum mismatch for example.com/fixed@v1.0.0: zip: expected ${zip.replace(/[+/]/g, '.')}.*got ${fakeH1('moved').replace(/[+/]/g, '.')}`,
        ),
      ),
    );
    await assert.rejects(
      gate.check({ ...file, file: 'mod', hash: fakeH1('moved') }, { signal }),
      rejectsWith('checksum', /go\.mod: expected/),
    );
  });
});
