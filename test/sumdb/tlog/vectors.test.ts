// Appendix A of the spec (values computed with x/mod and checked there). The full text of the
// sum.golang.org record is the first leaf of the trillian-examples sumdbaudit fixture.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newSigner, sign } from '../../../src/sumdb/note/index.js';
import {
  checkRecord,
  checkTree,
  formatHash,
  formatTree,
  parseHash,
  proveRecord,
  proveTree,
  recordHash,
  storedHashes,
  treeHash,
  zeroHash,
} from '../../../src/sumdb/tlog/index.js';
import { TestHashStorage } from './test-storage.js';

async function buildLog(records: string[]): Promise<TestHashStorage> {
  const storage = new TestHashStorage();
  for (const [i, r] of records.entries())
    storage.hashes.push(...(await storedHashes(i, r, storage)));
  return storage;
}

const leaves = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `leaf ${i}`);
const leafRoots = [
  'G7l9zCFjXUfiZj79/QoXRobZjdcBNS3SzQbotD/T0wU=',
  '/F9riP+FVPdbsvnm85wxsZNtRLaSdu33sSBalVuXYeM=',
  '1Pksj7uJcg6ztVZ3x9fvrd/rENEaGoSguo8aIzN/qpU=',
  'T2MQhKFXxU9U/Psj/164ZQxLoWDClbsTqYMrEJ1SZ34=',
  'NBUVmC1lDiNSDb1U1/zwr6G3DMOhakEdRk3JwayWwwE=',
  'g2PDghzkHrtGIiEWpCzIPbp1OYSyPPyiaqrQpoZzNuo=',
  'WmH8K1T5z6cXdPJDIUPdQMbLKxGUf69lp9PaXLZRmcg=',
  'xcLIIO00L92ozolra5z1uMAKIcxLIHFMxuXTwFw1JAs=',
];

test('tree roots for "leaf 0".."leaf 7"', async () => {
  const storage = await buildLog(leaves);
  for (let n = 1; n <= 8; n++) {
    assert.equal(formatHash(await treeHash(n, storage)), leafRoots[n - 1], `N=${n}`);
  }
  assert.ok((await treeHash(0, storage)).equals(zeroHash()));
});

test('proveRecord(8, 5) and proveTree(8, 3)', async () => {
  const storage = await buildLog(leaves);
  const root = parseHash(leafRoots[7]!);
  const rp = await proveRecord(8, 5, storage);
  assert.deepEqual(rp.map(formatHash), [
    'gxFfiUeVX6/cKifn9MCFS72Nonuxs+NAXbVxya+Nvho=',
    'brzFS2cQ7gYQp/yCzeUXE9soDj3IRRW96WMqGbZaC5M=',
    'T2MQhKFXxU9U/Psj/164ZQxLoWDClbsTqYMrEJ1SZ34=',
  ]);
  checkRecord(rp, 8, root, 5, recordHash('leaf 5'));
  assert.throws(() => checkRecord(rp, 8, root, 4, recordHash('leaf 5')), /invalid transparency/);
  assert.throws(() => checkRecord(rp.slice(1), 8, root, 5, recordHash('leaf 5')), /invalid/);
  assert.throws(() => checkRecord(rp, 8, root, 8, recordHash('leaf 5')), /invalid inputs/);

  const tp = await proveTree(8, 3, storage);
  assert.deepEqual(tp.map(formatHash), [
    'qze6NNHf4pAV3nF6bVdkqPsCnDp6D1tkuTtUNRiFv3w=',
    'WL0UluFoSqySAcLmh+565PUclqiw2B7zWDYouT0800U=',
    '/F9riP+FVPdbsvnm85wxsZNtRLaSdu33sSBalVuXYeM=',
    'w+azuR86E7mkJwss2RFiOrs6eoVa9ebktxyE+ZDNxGk=',
  ]);
  checkTree(tp, 8, root, 3, parseHash(leafRoots[2]!));
  assert.throws(() => checkTree(tp, 8, root, 3, parseHash(leafRoots[3]!)), /invalid transparency/);
  assert.throws(() => checkTree([...tp, root], 8, root, 3, parseHash(leafRoots[2]!)), /invalid/);
  assert.deepEqual(await proveTree(8, 8, storage), []);
  await assert.rejects(proveTree(8, 0, storage), /invalid inputs/);
  await assert.rejects(proveRecord(8, 8, storage), /invalid inputs/);
});

test('records "a\\n", "b\\n", "c\\n"', async () => {
  assert.equal(formatHash(recordHash('a\n')), 'tqVntGZWKmqVSvYVe4mPnogOQ1IwStwpaRVfDk3jHPA=');
  const storage = await buildLog(['a\n', 'b\n', 'c\n']);
  assert.equal(
    formatHash(await treeHash(2, storage)),
    'm3LFXpeNd4t1tMjR8R2UnLOxvr8SE2zKc+/hIk0LdsY=',
  );
  assert.equal(
    formatHash(await treeHash(3, storage)),
    'XJVgyeqZ3X9TFi1DypBArCfAZ7Mw9+RuHRSxcezTLPE=',
  );
});

test('a sum.golang.org data-tile record hash', () => {
  const record =
    'golang.org/x/net v0.0.0-20180627171509-e514e69ffb8b h1:oXs/nlnyk1ue6g+mFGEHIuIaQIT28IgumdSIRMq2aJY=\n' +
    'golang.org/x/net v0.0.0-20180627171509-e514e69ffb8b/go.mod h1:mL1N/T3taQHkDXs73rZJwtUhF3w3ftmwwsq0BUmARs4=\n';
  assert.equal(formatHash(recordHash(record)), 'EZnv+TXj8lLgdvMwla+5/AtwF1gimjH0ZTGvnSg8Yng=');
});

test('parseHash is strict', () => {
  assert.equal(formatHash(parseHash(leafRoots[0]!)), leafRoots[0]);
  for (const bad of [
    '',
    'G7l9zCFjXUfiZj79/QoXRobZjdcBNS3SzQbotD/T0wU',
    'AAAA',
    'G7l9zCFjXUfiZj79/QoXRobZjdcBNS3SzQbotD/T0wU=\n',
  ]) {
    assert.throws(() => parseHash(bad), /malformed hash/);
  }
});

test('a signed tree head as x/mod signs it (cross-checked with the installed x/mod v0.7.0)', async () => {
  // 300 records "rec %d\n", signed with cmd/go's test key (Ed25519 signatures are
  // deterministic, so the whole note is a golden value).
  const records = Array.from({ length: 300 }, (_, i) => `rec ${i}\n`);
  const storage = await buildLog(records);
  const text = formatTree({ n: 300, hash: await treeHash(300, storage) });
  const signer = newSigner(
    'PRIVATE+KEY+localhost.localdev/sumdb+00000c67+AXu6+oaVaOYuQOFrf1V59JK1owcFlJcHwwXHDfDGxSPk',
  );
  assert.equal(
    sign({ text }, [signer]).toString(),
    'go.sum database tree\n300\npRrA7atdzOtaj8Rk88qn00pBlVevDvX3D/0z/sZQQEQ=\n\n' +
      '— localhost.localdev/sumdb AAAMZyJa4MzB1Z+EAA1LIRje6giPgSfBx1sAHbATUAn/OWuQZ8FD93CZizrEeiVSZtWFAyHgjF0wof7Cc0pbjEu/iwI=\n',
  );
});
