// Port of TestTree (x/mod sumdb/tlog/tlog_test.go): 100 records "leaf %d", tile height 2;
// stored hashes, tiles, record and tree proofs, all checked against each other at every size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import {
  type Hash,
  HASH_SIZE,
  checkRecord,
  checkTree,
  hashFromTile,
  newTiles,
  proveRecord,
  proveTree,
  readTileData,
  recordHash,
  storedHashCount,
  storedHashes,
  tileForIndex,
  tileHashReader,
  tilePath,
  treeHash,
} from '../../../src/sumdb/tlog/index.js';
import { TestHashStorage, TestTileStorage } from './test-storage.js';

const testH = 2;

function flipFirstBit(h: Hash): void {
  h[0] = h[0]! ^ 1;
}

test('TestTree: 100 records, tile height 2', async () => {
  const trees: Hash[] = [];
  const leafHashes: Hash[] = [];
  const storage = new TestHashStorage();
  const tiles = new Map<string, Buffer>();

  for (let i = 0; i < 100; i++) {
    const data = `leaf ${i}`;
    const hashes = await storedHashes(i, data, storage);
    leafHashes.push(recordHash(data));
    const oldStorage = storage.hashes.length;
    storage.hashes.push(...hashes);
    assert.equal(storedHashCount(i + 1), storage.hashes.length, `storedHashCount(${i + 1})`);
    const th = await treeHash(i + 1, storage);

    // Each new tile extends the previous width of the same tile by one hash.
    for (const tile of newTiles(testH, i, i + 1)) {
      const data = await readTileData(tile, storage);
      const old = tiles.get(tilePath({ ...tile, w: tile.w - 1 })) ?? Buffer.alloc(0);
      assert.equal(old.length, data.length - HASH_SIZE, `${tilePath(tile)} extends`);
      assert.ok(old.equals(data.subarray(0, old.length)), `${tilePath(tile)} extends`);
      tiles.set(tilePath(tile), data);
    }
    for (const from of [0, Math.floor(i / 2)]) {
      for (const tile of newTiles(testH, from, i + 1)) {
        const data = await readTileData(tile, storage);
        assert.ok(tiles.get(tilePath(tile))?.equals(data), `mismatch at ${tilePath(tile)}`);
      }
    }

    // Every new hash is readable from its tile.
    for (let j = oldStorage; j < storage.hashes.length; j++) {
      const tile = tileForIndex(testH, j);
      const data = tiles.get(tilePath(tile));
      assert.ok(data, `tileForIndex(${testH}, ${j}) = ${tilePath(tile)} not yet stored`);
      assert.ok(hashFromTile(tile, data, j).equals(storage.hashes[j]!), `hashFromTile ${j}`);
    }

    trees.push(th);

    // Record proofs for every record so far; any corrupted proof hash fails.
    for (let j = 0; j <= i; j++) {
      const p = await proveRecord(i + 1, j, storage);
      checkRecord(p, i + 1, th, j, leafHashes[j]!);
      for (const h of p) {
        flipFirstBit(h);
        assert.throws(
          () => checkRecord(p, i + 1, th, j, leafHashes[j]!),
          (err) => err instanceof ModgateError && err.kind === 'checksum',
        );
        flipFirstBit(h);
      }
    }

    // The same through authenticated tiles: reading a leaf hash is its proof.
    const tileStorage = new TestTileStorage(testH, tiles);
    const thr = tileHashReader({ n: i + 1, hash: th }, tileStorage);
    for (let j = 0; j <= i; j++) {
      const [h] = await thr.readHashes([storageIndexOfLeaf(j)]);
      assert.ok(h!.equals(leafHashes[j]!), `tileHashReader(${i + 1}) leaf ${j}`);
      const p = await proveRecord(i + 1, j, thr);
      checkRecord(p, i + 1, th, j, leafHashes[j]!);
    }
    assert.equal(tileStorage.unsaved, 0, 'every tile read was saved');

    // An index outside the tree is refused.
    await assert.rejects(Promise.resolve(thr.readHashes([(i + 1) * 2])), /not in tree/);
    assert.equal(tileStorage.unsaved, 0);

    // Tree proofs for every earlier tree, through tiles: computing its hash is its proof.
    for (let j = 0; j <= i; j++) {
      const h = await treeHash(j + 1, thr);
      assert.ok(h.equals(trees[j]!), `treeHash(${j + 1}, tileHashReader(${i + 1}))`);
      const p = await proveTree(i + 1, j + 1, thr);
      checkTree(p, i + 1, th, j + 1, trees[j]!);
      for (const ph of p) {
        flipFirstBit(ph);
        assert.throws(() => checkTree(p, i + 1, th, j + 1, trees[j]!), /invalid transparency/);
        flipFirstBit(ph);
      }
    }
    assert.equal(tileStorage.unsaved, 0);
  }
});

function storageIndexOfLeaf(j: number): number {
  // storedHashIndex(0, j) = j + j/2 + j/4 + ...
  let i = 0;
  for (let n = j; n > 0; n = Math.floor(n / 2)) i += n;
  return i;
}
