// tileHashReader: only hashes proved by the signed tree come out; tampered tiles are caught.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import {
  AuthenticatedTiles,
  type Hash,
  type Tile,
  type TileReader,
  newTiles,
  readTileData,
  recordHash,
  storedHashIndex,
  storedHashes,
  tileHashReader,
  tilePath,
  treeHash,
} from '../../../src/sumdb/tlog/index.js';
import { TestHashStorage, TestTileStorage } from './test-storage.js';

async function buildLog(
  size: number,
  h: number,
): Promise<{ storage: TestHashStorage; tiles: Map<string, Buffer>; root: Hash }> {
  const storage = new TestHashStorage();
  for (let i = 0; i < size; i++)
    storage.hashes.push(...(await storedHashes(i, `leaf ${i}`, storage)));
  const tiles = new Map<string, Buffer>();
  for (const t of newTiles(h, 0, size)) tiles.set(tilePath(t), await readTileData(t, storage));
  return { storage, tiles, root: await treeHash(size, storage) };
}

const isChecksum = (err: unknown) =>
  err instanceof ModgateError && err.kind === 'checksum' && /inconsistent tile/.test(err.message);

test('a corrupted tile that x/mod v0.7.0 skips is rejected', async () => {
  // Tree of 7, height 2: the root-covering hashes (2,0), (1,2), (0,6) live in two tiles,
  // tile/2/1/000.p/1 and tile/2/0/001.p/3. Reading leaf 0 adds tile/2/0/000 as the third
  // tile; x/mod starts checking parents at position len(stx) = 3 and so never checks it.
  // (Confirmed with the installed x/mod: it returns the corrupted hash.)
  const { tiles, root } = await buildLog(7, 2);
  const bad = tiles.get('tile/2/0/000')!;
  bad[0] = bad[0]! ^ 1;
  const reader = new TestTileStorage(2, tiles);
  const thr = tileHashReader({ n: 7, hash: root }, reader);
  await assert.rejects(Promise.resolve(thr.readHashes([0])), isChecksum);
  assert.deepEqual(reader.reads, ['tile/2/1/000.p/1', 'tile/2/0/001.p/3', 'tile/2/0/000']);
  assert.equal(reader.unsaved, 3, 'nothing saved after a failed authentication');
});

test('every single-byte corruption of every tile is caught or harmless', async () => {
  const size = 23;
  const { storage, tiles, root } = await buildLog(size, 2);
  const want = storage.readHashes(Array.from({ length: size }, (_, j) => storedHashIndex(0, j)));
  for (const [path, data] of tiles) {
    for (let i = 0; i < data.length; i += 7) {
      data[i] = data[i]! ^ 0x80;
      for (let j = 0; j < size; j++) {
        const thr = tileHashReader({ n: size, hash: root }, new TestTileStorage(2, tiles));
        try {
          const [h] = await thr.readHashes([storedHashIndex(0, j)]);
          // Accepted: then it must be the true hash (the corrupted tile was not needed).
          assert.ok(h!.equals(want[j]!), `${path} byte ${i}: wrong hash for leaf ${j}`);
        } catch (err) {
          assert.ok(isChecksum(err), `${path} byte ${i}, leaf ${j}: ${String(err)}`);
        }
      }
      data[i] = data[i]! ^ 0x80;
    }
  }
});

test('a wrong signed tree hash is caught', async () => {
  const { root } = await buildLog(10, 2);
  const { tiles } = await buildLog(10, 2);
  const other = Buffer.from(root);
  other[31] = other[31]! ^ 1;
  const thr = tileHashReader({ n: 10, hash: other }, new TestTileStorage(2, tiles));
  await assert.rejects(Promise.resolve(thr.readHashes([0])), isChecksum);
  // And a tree of another size with the right-looking tiles.
  const thr2 = tileHashReader({ n: 9, hash: root }, new TestTileStorage(2, tiles));
  await assert.rejects(Promise.resolve(thr2.readHashes([0])), isChecksum);
});

test('a synchronous TileReader works; bad reader answers are internal errors', async () => {
  const { tiles, root } = await buildLog(5, 2);
  const sync: TileReader = {
    height: 2,
    readTiles: (ts: readonly Tile[]) => ts.map((t) => tiles.get(tilePath(t))!),
    saveTiles: () => undefined,
  };
  const [h] = await tileHashReader({ n: 5, hash: root }, sync).readHashes([storedHashIndex(0, 4)]);
  assert.ok(h!.equals(recordHash('leaf 4')));

  const short: TileReader = { ...sync, readTiles: (ts) => ts.slice(1).map(() => Buffer.alloc(0)) };
  await assert.rejects(
    Promise.resolve(tileHashReader({ n: 5, hash: root }, short).readHashes([0])),
    (err) => err instanceof ModgateError && err.kind === 'internal',
  );
  const truncated: TileReader = {
    ...sync,
    readTiles: (ts) => ts.map((t) => tiles.get(tilePath(t))!.subarray(1)),
  };
  await assert.rejects(
    Promise.resolve(tileHashReader({ n: 5, hash: root }, truncated).readHashes([0])),
    (err) => err instanceof ModgateError && err.kind === 'internal',
  );
});

test('empty requests and empty trees', async () => {
  const reader = new TestTileStorage(2, new Map());
  assert.deepEqual(
    await tileHashReader({ n: 0, hash: Buffer.alloc(32) }, reader).readHashes([]),
    [],
  );
  await assert.rejects(
    Promise.resolve(tileHashReader({ n: 0, hash: Buffer.alloc(32) }, reader).readHashes([0])),
    /not in tree of size 0/,
  );
  assert.ok(
    (await treeHash(0, tileHashReader({ n: 0, hash: Buffer.alloc(32) }, reader))).equals(
      Buffer.alloc(32),
    ),
  );
});

test('height 8 over 70,000 records (three tile levels), as sum.golang.org', async () => {
  const size = 70_000;
  const { storage, tiles, root } = await buildLog(size, 8);
  const reader = new TestTileStorage(8, tiles);
  const thr = tileHashReader({ n: size, hash: root }, reader);
  for (const j of [0, 255, 256, 65_535, 65_536, 69_999]) {
    const [h] = await thr.readHashes([storedHashIndex(0, j)]);
    assert.ok(h!.equals(recordHash(`leaf ${j}`)), `leaf ${j}`);
  }
  for (const n of [1, 256, 65_536, 69_000]) {
    assert.ok((await treeHash(n, thr)).equals(await treeHash(n, storage)), `tree ${n}`);
  }
  assert.equal(reader.unsaved, 0);
});

test('tiles proved against a tree are not read or folded again for that tree', async () => {
  const { storage, tiles, root } = await buildLog(23, 2);
  const tree = { n: 23, hash: root };
  const proved = new AuthenticatedTiles();
  const reader = new TestTileStorage(2, tiles);
  const leaf = (j: number) => storage.readHashes([storedHashIndex(0, j)])[0]!;
  const [first] = await tileHashReader(tree, reader, proved).readHashes([storedHashIndex(0, 5)]);
  assert.ok(first!.equals(leaf(5)));
  const reads = reader.reads.length;
  assert.ok(reads > 0);
  // Leaf 6 is in the same tile as leaf 5 (tile/2/0/001): proved already, nothing read.
  const [again] = await tileHashReader(tree, reader, proved).readHashes([storedHashIndex(0, 6)]);
  assert.ok(again!.equals(leaf(6)));
  assert.equal(reader.reads.length, reads, 'no tile read for a proved tile');
  // Even a corrupted copy is not consulted for it now; another tile is read and checked.
  const bad = tiles.get('tile/2/0/003')!;
  bad[0] = bad[0]! ^ 1;
  await assert.rejects(
    Promise.resolve(tileHashReader(tree, reader, proved).readHashes([storedHashIndex(0, 12)])),
    isChecksum,
  );
  bad[0] = bad[0]! ^ 1;
});

test('proved tiles are for one tree: another tree (or a forged one) is checked afresh', async () => {
  const { tiles, root } = await buildLog(10, 2);
  const proved = new AuthenticatedTiles();
  const reader = new TestTileStorage(2, tiles);
  await tileHashReader({ n: 10, hash: root }, reader, proved).readHashes([0]);
  const reads = reader.reads.length;
  // Same size, another hash: nothing proved for it, the tiles are read and fail.
  const forged = Buffer.from(root);
  forged[0] = forged[0]! ^ 1;
  await assert.rejects(
    Promise.resolve(tileHashReader({ n: 10, hash: forged }, reader, proved).readHashes([0])),
    isChecksum,
  );
  assert.ok(reader.reads.length > reads, 'read again for the other tree');
  // The tree proved before still finds its tiles.
  const before = reader.reads.length;
  await tileHashReader({ n: 10, hash: root }, reader, proved).readHashes([1]);
  assert.equal(reader.reads.length, before);
});
