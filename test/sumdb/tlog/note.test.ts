// Ports of x/mod sumdb/tlog/note_test.go: FormatTree, ParseTree, FormatRecord, ParseRecord.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatRecord,
  formatTree,
  parseRecord,
  parseTree,
  recordHash,
} from '../../../src/sumdb/tlog/index.js';

const goldN = 123456789012;
const goldH = recordHash('hello world');
const goldTree =
  'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n';

test('formatTree golden', () => {
  assert.equal(formatTree({ n: goldN, hash: goldH }), goldTree);
});

test('parseTree good, with junk lines ignored', () => {
  for (const good of [
    goldTree,
    goldTree + 'JOE',
    goldTree + 'JOE\n',
    goldTree + 'JOE\n'.repeat(1000),
  ]) {
    const tree = parseTree(good);
    assert.equal(tree.n, goldN);
    assert.ok(tree.hash.equals(goldH));
  }
  assert.equal(parseTree(Buffer.from(goldTree)).n, goldN);
  assert.equal(
    parseTree('go.sum database tree\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n').n,
    0,
  );
});

test('parseTree bad', () => {
  for (const bad of [
    'not-' + goldTree,
    'go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
    'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n',
    // Beyond the Go table.
    'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=',
    'go.sum database tree\n0123\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
    'go.sum database tree\n+123\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
    'go.sum database tree\n-1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
    'go.sum database tree\n\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
    'go.sum database tree\n9007199254740993\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
    'go.sum database tree\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0\n',
    goldTree + 'x'.repeat(1e6),
  ]) {
    assert.throws(() => parseTree(bad), /malformed tree note/, JSON.stringify(bad.slice(0, 80)));
  }
});

test('formatRecord golden and bad texts', () => {
  assert.equal(formatRecord(goldN, 'hello, world\n').toString(), '123456789012\nhello, world\n\n');
  for (const bad of ['', 'hello\nworld', 'hello\n\nworld\n', 'hello\x01world\n']) {
    assert.throws(() => formatRecord(goldN, bad), /malformed record data/, JSON.stringify(bad));
  }
  assert.throws(() => formatRecord(goldN, Buffer.from('hello\xffworld\n', 'latin1')), /malformed/);
  assert.throws(() => formatRecord(-1, 'x\n'), /malformed/);
});

test('parseRecord good', () => {
  const r = parseRecord(Buffer.from('123456789012\nhello, world\n\njunk on end\x01\xff', 'latin1'));
  assert.equal(r.id, goldN);
  assert.equal(r.text.toString(), 'hello, world\n');
  assert.ok(r.rest.equals(Buffer.from('junk on end\x01\xff', 'latin1')));

  const r2 = parseRecord(Buffer.from('123456789012\nhello, world\n\n'));
  assert.equal(r2.id, goldN);
  assert.equal(r2.text.toString(), 'hello, world\n');
  assert.equal(r2.rest.length, 0);
});

test('parseRecord bad', () => {
  for (const bad of [
    Buffer.from('not-123456789012\nhello, world\n\n'),
    Buffer.from('123\nhello\x01world\n\n'),
    Buffer.from('123\nhello\xffworld\n\n', 'latin1'),
    Buffer.from('123\nhello world\n'),
    Buffer.from('0x123\nhello world\n\n'),
    // Beyond the Go table: ids are never negative or signed.
    Buffer.from('-1\nhello world\n\n'),
    Buffer.from('+1\nhello world\n\n'),
    Buffer.from('\nhello world\n\n'),
    Buffer.from('123'),
  ]) {
    assert.throws(() => parseRecord(bad), /malformed record data/, JSON.stringify(bad.toString()));
  }
});

test('a lookup response: record, then the signed tree note', () => {
  const note = goldTree + '\n— example.com AAAA\n';
  const msg = Buffer.concat([formatRecord(5, 'a b h1:x=\na b/go.mod h1:y=\n'), Buffer.from(note)]);
  const r = parseRecord(msg);
  assert.equal(r.id, 5);
  assert.equal(r.text.toString(), 'a b h1:x=\na b/go.mod h1:y=\n');
  assert.equal(r.rest.toString(), note);
});
