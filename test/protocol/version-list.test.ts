// The `@v/list` body (cmd/go modfetch/proxy.go Versions reads it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatVersionList, parseVersionList } from '../../src/protocol/version-list.js';

test('formatVersionList ends every line with a newline', () => {
  assert.equal(formatVersionList([]).toString(), '');
  assert.equal(formatVersionList(['v1.0.0']).toString(), 'v1.0.0\n');
  assert.equal(formatVersionList(['v1.0.0', 'v1.1.0 extra']).toString(), 'v1.0.0\nv1.1.0 extra\n');
});

test('parseVersionList trims, drops blank lines, keeps order and extra fields', () => {
  assert.deepEqual(parseVersionList(Buffer.from('')), []);
  assert.deepEqual(parseVersionList(Buffer.from('\n \n')), []);
  assert.deepEqual(parseVersionList(Buffer.from('v1.1.0\r\n\n  v1.0.0 2024-01-01\n')), [
    'v1.1.0',
    'v1.0.0 2024-01-01',
  ]);
  // Lines that are not versions are kept (the go command skips them itself) …
  assert.deepEqual(parseVersionList(Buffer.from('junk\nv1.0.0\n')), ['junk', 'v1.0.0']);
  // … but a body without a single version line is not a list.
  assert.equal(parseVersionList(Buffer.from('<html>\n<body>not found</body>\n')), undefined);
});

test('parseVersionList reads back formatVersionList', () => {
  const lines = ['v1.0.0', 'v1.2.0-pre', 'v2.0.0+incompatible'];
  assert.deepEqual(parseVersionList(formatVersionList(lines)), lines);
});
