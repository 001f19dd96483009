import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENTRY_OVERHEAD_BYTES, stringBytes } from '../../src/cache/index.js';
import { ModgateError } from '../../src/errors/index.js';
import { NOT_FOUND_MEMORY_MAX_BYTES, NotFoundMemory } from '../../src/service/not-found-memory.js';

test('answers again with a new error of the same kind and message, for its lifetime', () => {
  let now = 0;
  const memory = new NotFoundMemory({ now: () => now });
  const cause = { response: Buffer.alloc(64 * 1024) };
  const original = new ModgateError('gone', 'upstream: example.com/m/@v/list: 410', { cause });
  memory.remember('example.com/m/@v/list', original, 1000);
  const again = memory.recall('example.com/m/@v/list');
  assert.ok(again instanceof ModgateError);
  assert.notEqual(again, original, 'not the remembered error object');
  assert.equal(again.kind, 'gone');
  assert.equal(again.message, original.message);
  assert.equal(again.cause, undefined, 'the cause is not kept');
  now = 999;
  assert.equal(memory.recall('example.com/m/@v/list')?.kind, 'gone');
  now = 1000;
  assert.equal(memory.recall('example.com/m/@v/list'), undefined);
  memory.remember('k', original, 0);
  assert.equal(memory.recall('k'), undefined, 'a lifetime of zero remembers nothing');
  assert.equal(new NotFoundMemory().usage.maxBytes, NOT_FOUND_MEMORY_MAX_BYTES);
});

test('bound holds under 200,000 distinct not-found paths with long messages', () => {
  let now = 1_000;
  const maxBytes = 1024 * 1024;
  const memory = new NotFoundMemory({ maxBytes, now: () => now });
  const key = (i: number): string => `example.com/${'p'.repeat(100)}/m${i}/@v/list`;
  const body = 'not found: '.repeat(30); // an upstream's quoted body
  for (let i = 0; i < 200_000; i++) {
    const err = new ModgateError('not-found', `https://up.example: ${key(i)}: 404: ${body}`);
    memory.remember(key(i), err, 60_000);
    if (memory.usage.bytes > maxBytes)
      assert.fail(`accounted ${memory.usage.bytes} bytes after ${i + 1}`);
  }
  const perEntry = ENTRY_OVERHEAD_BYTES + stringBytes(key(0)) + stringBytes(body);
  assert.ok(memory.usage.entries <= maxBytes / perEntry, `${memory.usage.entries} entries`);
  assert.ok(memory.usage.entries > 100);
  for (let i = 199_900; i < 200_000; i++) {
    assert.equal(memory.recall(key(i))?.kind, 'not-found', `recent ${i} still answered`);
  }
  assert.equal(memory.recall(key(0)), undefined);
  now += 60_000;
  assert.equal(memory.recall(key(199_999)), undefined, 'lifetimes still hold');
});
