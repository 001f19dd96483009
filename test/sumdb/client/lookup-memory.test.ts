import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LookupMemory } from '../../../src/sumdb/client/lookup-memory.js';

function recordingCache() {
  const puts: string[] = [];
  const stored = new Map<string, Buffer>();
  return {
    puts,
    stored,
    cache: {
      get: (file: string) => Promise.resolve(stored.get(file) ?? null),
      put: (file: string, data: Buffer) => {
        puts.push(file);
        stored.set(file, data);
        return Promise.resolve();
      },
    },
  };
}

test('answers kept are served from memory at once and written once lookups pause', async () => {
  const { puts, stored, cache } = recordingCache();
  const memory = new LookupMemory(cache, 2, () => undefined);
  memory.keep('lookup/a@v1', Buffer.from('a'));
  memory.keep('lookup/b@v1', Buffer.from('b'));
  memory.keep('lookup/c@v1', Buffer.from('c')); // a is out of the 2 recent ones, still waiting
  assert.deepEqual(puts, [], 'not written while lookups come');
  assert.deepEqual(memory.remembered('lookup/a@v1'), Buffer.from('a'));
  // The quiet wait ends by itself (bounded wait, no fixed sleep).
  for (let i = 0; i < 1000 && puts.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(puts, ['lookup/a@v1', 'lookup/b@v1', 'lookup/c@v1']);
  await memory.settle();
  assert.equal(memory.remembered('lookup/a@v1'), undefined, 'only the recent ones stay in memory');
  assert.deepEqual(stored.get('lookup/a@v1'), Buffer.from('a'));
});

test('many answers waiting are written at once; settle writes what waits', async () => {
  const { puts, cache } = recordingCache();
  const memory = new LookupMemory(cache, 1000, () => undefined);
  for (let i = 0; i < 256; i++) memory.keep(`lookup/m${i}@v1`, Buffer.from(`${i}`));
  assert.equal(puts.length, 256, 'written at the bound, without waiting for a pause');
  memory.write('tile/8/0/000', Buffer.alloc(8192));
  assert.equal(puts.length, 256);
  await memory.settle();
  assert.equal(puts.length, 257);
});

test('a failed write is reported, and settle still resolves', async () => {
  const errors: string[] = [];
  const memory = new LookupMemory(
    { get: () => Promise.resolve(null), put: () => Promise.reject(new Error('disk full')) },
    10,
    (file, err) => errors.push(`${file}: ${(err as Error).message}`),
  );
  memory.keep('lookup/x@v1', Buffer.from('x'));
  await memory.settle();
  assert.deepEqual(errors, ['lookup/x@v1: disk full']);
  assert.deepEqual(memory.remembered('lookup/x@v1'), Buffer.from('x'));
});
