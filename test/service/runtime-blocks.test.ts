// Blocks added at run time (issue 15): stored one object per block under -/blocks/, in force
// in the policy at once here, picked up by another instance on the same storage when it syncs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockingRule, compilePolicy } from '../../src/policy/index.js';
import { RuntimeBlocks } from '../../src/service/runtime-blocks.js';
import { MemoryStorage } from '../../src/storage/index.js';

const patterns = {
  private: '',
  noVerify: '',
  insecure: '',
  vcsPolicy: '',
  deny: [{ module: 'example.com/old', reason: 'configured' }],
};

/** A stand-in for Redis pub/sub between replicas: every listener of a topic hears it. */
function bus() {
  const listeners = new Map<string, Set<() => void>>();
  return {
    announce: (topic: string) => {
      for (const l of listeners.get(topic) ?? []) l();
    },
    onAnnounce: (topic: string, l: () => void) => {
      const set = listeners.get(topic) ?? new Set<() => void>();
      listeners.set(topic, set.add(l));
      return () => void set.delete(l);
    },
  };
}

function replica(storage: MemoryStorage, coordinator?: ReturnType<typeof bus>) {
  const policy = compilePolicy(patterns);
  let changes = 0;
  const problems: string[] = [];
  const blocks = new RuntimeBlocks({
    storage,
    policy,
    pollIntervalMs: 60_000,
    coordinator,
    onChange: () => changes++,
    onProblem: (m) => problems.push(m),
  });
  const blocked = (path: string, version: string) =>
    blockingRule(policy.forModule(path).deny, version)?.reason;
  return { policy, blocks, blocked, changes: () => changes, problems };
}

test('a block is stored, in force here at once, and on another replica after a sync', async () => {
  const storage = new MemoryStorage();
  const a = replica(storage);
  const b = replica(storage);
  await a.blocks.start();
  await b.blocks.start();
  try {
    const block = await a.blocks.add(
      { module: 'example.com/lib', versions: '<v1.2.0', reason: 'CVE-1' },
      'alice',
    );
    assert.match(block.id, /^[0-9a-z]+-[0-9a-f]{6}$/);
    assert.equal(block.who, 'alice');
    assert.deepEqual(await storage.list('-/blocks/'), [`-/blocks/${block.id}.json`]);
    assert.equal(a.blocked('example.com/lib', 'v1.1.0'), 'CVE-1');
    assert.equal(a.blocked('example.com/lib', 'v1.2.0'), undefined);
    assert.equal(a.blocked('example.com/old', 'v9.0.0'), 'configured'); // still there
    assert.equal(a.changes(), 1); // the add (the start found nothing stored)

    assert.equal(b.blocked('example.com/lib', 'v1.1.0'), undefined); // not polled yet
    await b.blocks.sync();
    assert.equal(b.blocked('example.com/lib', 'v1.1.0'), 'CVE-1');
    assert.deepEqual(b.blocks.list(), [block]);
    const changesOfB = b.changes();
    await b.blocks.sync(); // nothing changed: one listing, no change
    assert.equal(b.changes(), changesOfB);

    // Removed on b (which knows it), gone on a after its sync.
    assert.deepEqual(await b.blocks.remove(block.id), block);
    assert.equal(b.blocked('example.com/lib', 'v1.1.0'), undefined);
    assert.deepEqual(await storage.list('-/blocks/'), []);
    await a.blocks.sync();
    assert.equal(a.blocked('example.com/lib', 'v1.1.0'), undefined);
    assert.equal(await a.blocks.remove(block.id), undefined);
  } finally {
    a.blocks.stop();
    b.blocks.stop();
  }
});

test('a block another replica added can be removed before this one polled', async () => {
  const storage = new MemoryStorage();
  const a = replica(storage);
  const b = replica(storage);
  await a.blocks.start();
  await b.blocks.start();
  const block = await a.blocks.add({ module: 'example.com/x' }, 'alice');
  assert.deepEqual(await b.blocks.remove(block.id), block);
  await a.blocks.sync();
  assert.deepEqual(a.blocks.list(), []);
  a.blocks.stop();
  b.blocks.stop();
});

test('bad input stores nothing; an unreadable stored block is skipped once', async () => {
  const storage = new MemoryStorage();
  const a = replica(storage);
  await a.blocks.start();
  await assert.rejects(
    a.blocks.add({ module: 'example.com/x', versions: '<=1.2' }, 'alice'),
    /block: versions: bad version range/,
  );
  await assert.rejects(a.blocks.add({ module: '' }, 'alice'), /block: module is empty/);
  await assert.rejects(
    a.blocks.add({ module: 'example.com/x', reason: 'caf\u00e9' }, 'alice'),
    /printable ASCII/,
  );
  assert.deepEqual(await storage.list('-/blocks/'), []);
  await storage.putBytes('-/blocks/zz-000000.json', Buffer.from('{"id":"other"}'));
  await a.blocks.sync();
  assert.equal(a.problems.length, 1);
  assert.match(a.problems[0] ?? '', /ignoring the stored block -\/blocks\/zz-000000\.json/);
  const changes = a.changes();
  await a.blocks.sync(); // read once, not at every poll
  assert.equal(a.problems.length, 1);
  assert.equal(a.changes(), changes);
  a.blocks.stop();
});

test('with a coordinator, other replicas read a change when it is announced', async () => {
  const storage = new MemoryStorage();
  const shared = bus();
  const a = replica(storage, shared);
  const b = replica(storage, shared);
  await a.blocks.start();
  await b.blocks.start();
  try {
    const block = await a.blocks.add({ module: 'example.com/lib', reason: 'now' }, 'alice');
    // No sync asked for and no poll due (60 s): the announcement alone makes b read it.
    await until(() => b.blocked('example.com/lib', 'v1.0.0') === 'now');
    await b.blocks.remove(block.id);
    await until(() => a.blocked('example.com/lib', 'v1.0.0') === undefined);
  } finally {
    a.blocks.stop();
    b.blocks.stop();
  }
});

/** Waits (bounded, by turns of the event loop) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) assert.fail('not within 30 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
