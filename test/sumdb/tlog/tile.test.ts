// tilePaths (x/mod sumdb/tlog/tlog_test.go), Appendix A tile vectors, newTiles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Tile,
  newTiles,
  parseTilePath,
  storedHashIndex,
  tileForIndex,
  tilePath,
} from '../../../src/sumdb/tlog/index.js';

const tilePaths: [string, Tile | undefined][] = [
  ['tile/4/0/001', { h: 4, l: 0, n: 1, w: 16 }],
  ['tile/4/0/001.p/5', { h: 4, l: 0, n: 1, w: 5 }],
  ['tile/3/5/x123/x456/078', { h: 3, l: 5, n: 123456078, w: 8 }],
  ['tile/3/5/x123/x456/078.p/2', { h: 3, l: 5, n: 123456078, w: 2 }],
  ['tile/1/0/x003/x057/500', { h: 1, l: 0, n: 3057500, w: 2 }],
  ['tile/3/5/123/456/078', undefined],
  ['tile/3/-1/123/456/078', undefined],
  ['tile/1/data/x003/x057/500', { h: 1, l: -1, n: 3057500, w: 2 }],
];

test('tilePaths: format and parse', () => {
  for (const [path, tile] of tilePaths) {
    if (tile) {
      assert.equal(tilePath(tile), path);
      assert.deepEqual(parseTilePath(path), tile);
    } else {
      assert.throws(() => parseTilePath(path), /malformed tile path/, path);
    }
  }
});

test('parseTilePath rejects non-canonical and out-of-range spellings', () => {
  for (const path of [
    'tile/4/0/1',
    'tile/4/0/0001',
    'tile/04/0/001',
    'tile/4/00/001',
    'tile/4/+0/001',
    'tile/4/0/x000/001',
    'tile/4/0/x001',
    'tile/4/0/001.p/16',
    'tile/4/0/001.p/0',
    'tile/4/0/001.p/05',
    'tile/4/0/001.p/',
    'tile/4/0/',
    'tile/4/0',
    'tile/0/0/001',
    'tile/31/0/001',
    'tile/4/64/001',
    'tile/4/0.p/5',
    'tile/4/data/001.p/x5',
    'tiles/4/0/001',
    '/tile/4/0/001',
    'tile/4/0/001/',
    'tile/4/0/x1000/000',
    'tile/8/0/x009/x007/x199/x254/x740/x992/000', // N = 9007199254740992000 > 2^53
  ]) {
    assert.throws(() => parseTilePath(path), /malformed tile path/, path);
  }
  assert.deepEqual(parseTilePath('tile/30/63/000.p/1'), { h: 30, l: 63, n: 0, w: 1 });
});

test('Appendix A tile paths', () => {
  assert.equal(tilePath(tileForIndex(2, storedHashIndex(0, 5))), 'tile/2/0/001.p/2');
  assert.equal(tilePath(tileForIndex(8, storedHashIndex(8, 3))), 'tile/8/1/000.p/4');
  assert.equal(tilePath({ h: 8, l: -1, n: 1234, w: 5 }), 'tile/8/data/x001/234.p/5');
  assert.equal(tilePath(tileForIndex(8, storedHashIndex(0, 1000))), 'tile/8/0/003.p/233');
  assert.equal(tilePath({ h: 3, l: 4, n: 1234067, w: 1 }), 'tile/3/4/x001/x234/067.p/1');
  assert.equal(tilePath({ h: 3, l: 4, n: 1234067, w: 8 }), 'tile/3/4/x001/x234/067');
});

test('newTiles(8, 0, 300)', () => {
  const paths = newTiles(8, 0, 300).map(tilePath);
  const want = ['tile/8/0/000'];
  for (let w = 1; w <= 44; w++) want.push(`tile/8/0/001.p/${w}`);
  want.push('tile/8/1/000.p/1');
  assert.deepEqual(paths, want);
});

test('newTiles for growth within and across tiles', () => {
  // As in x/mod, the old fringe width and the upper levels' fringe are listed again.
  assert.deepEqual(newTiles(8, 300, 301).map(tilePath), [
    'tile/8/0/001.p/44',
    'tile/8/0/001.p/45',
    'tile/8/1/000.p/1',
  ]);
  assert.deepEqual(newTiles(8, 300, 300).map(tilePath), ['tile/8/0/001.p/44', 'tile/8/1/000.p/1']);
  assert.deepEqual(newTiles(8, 0, 0), []);
  assert.deepEqual(newTiles(2, 3, 4).map(tilePath), ['tile/2/0/000', 'tile/2/1/000.p/1']);
  assert.throws(() => newTiles(0, 0, 1), /invalid tile height/);
});

test('tile paths round-trip for large N', () => {
  for (const n of [0, 999, 1000, 999_999, 1_000_000, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER]) {
    const t: Tile = { h: 8, l: 2, n, w: 17 };
    assert.deepEqual(parseTilePath(tilePath(t)), t);
  }
});
