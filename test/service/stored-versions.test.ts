import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseLatest, StoredVersions } from '../../src/service/stored-versions.js';
import { MemoryStorage } from '../../src/storage/index.js';

const r = (low: string, high = low): { low: string; high: string; rationale: string } => ({
  low,
  high,
  rationale: '',
});

test('latest: release, else pre-release, else pseudo-version; retractions; all retracted', () => {
  const pseudo = 'v0.0.0-20200102030405-abcdefabcdef';
  assert.equal(chooseLatest(['v1.0.0', 'v1.1.0-rc.1', 'v1.0.1'], []), 'v1.0.1');
  assert.equal(chooseLatest(['v1.1.0-rc.1', 'v1.1.0-rc.2', pseudo], []), 'v1.1.0-rc.2');
  assert.equal(chooseLatest([pseudo], []), pseudo);
  assert.equal(chooseLatest(['v1.0.0', 'v1.1.0'], [r('v1.1.0')]), 'v1.0.0');
  assert.equal(chooseLatest(['v1.0.0', 'v1.1.0-rc.1'], [r('v1.0.0')]), 'v1.1.0-rc.1');
  assert.equal(chooseLatest(['v1.0.0', 'v1.1.0'], [r('v1.0.0', 'v1.1.0')]), 'v1.1.0');
  assert.equal(chooseLatest([], []), undefined);
});

test('held versions are those with a stored .mod, unescaped, canonical, in semver order', async () => {
  const storage = new MemoryStorage();
  const put = (k: string): Promise<void> => storage.putBytes(k, Buffer.from('module x\n'));
  await put('example.com/m/@v/v1.10.0.mod');
  await put('example.com/m/@v/v1.9.0.mod');
  await put('example.com/m/@v/v1.11.0-!r!c.1.mod');
  await put('example.com/m/@v/v2.0.0+incompatible.mod');
  await put('example.com/m/@v/v1.12.0.info'); // no .mod: not held
  await put('example.com/m/sub/@v/v3.0.0.mod'); // another module
  const held = new StoredVersions(storage);
  assert.deepEqual(await held.versions('example.com/m'), [
    'v1.9.0',
    'v1.10.0',
    'v1.11.0-RC.1',
    'v2.0.0+incompatible',
  ]);
  assert.equal(await held.list('example.com/none'), undefined);
  const latest = JSON.parse((await held.latest('example.com/m'))?.toString() ?? '{}') as {
    Version: string;
  };
  assert.equal(latest.Version, 'v2.0.0+incompatible');
});
