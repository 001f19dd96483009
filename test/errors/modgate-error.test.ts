import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError, errorKind, isNotFound } from '../../src/errors/index.js';

test('isNotFound is true only for not-found and gone', () => {
  assert.equal(isNotFound(new ModgateError('not-found', 'x')), true);
  assert.equal(isNotFound(new ModgateError('gone', 'x')), true);
  assert.equal(isNotFound(new ModgateError('upstream', 'x')), false);
  assert.equal(isNotFound(new Error('x')), false);
});

test('errorKind maps aborts to timeout and foreign errors to internal', () => {
  const abort = new Error('aborted');
  abort.name = 'AbortError';
  assert.equal(errorKind(abort), 'timeout');
  assert.equal(errorKind(new TypeError('x')), 'internal');
  assert.equal(errorKind('string'), 'internal');
});
