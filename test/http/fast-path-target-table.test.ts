import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HANDOVER, PARTIAL, readRequestHead } from '../../src/http/fast-path/request-head.js';
import {
  MAX_KEPT_TARGET,
  TARGET_HASH_PRIME,
  TARGET_HASH_SEED,
  TARGET_SLOTS,
  TARGET_WAYS,
  TargetTable,
} from '../../src/http/fast-path/target-table.js';

/** FNV-1a over the latin1 bytes of `text`, as request-head.ts hashes a target. */
function fnv(text: string): number {
  let h = TARGET_HASH_SEED;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), TARGET_HASH_PRIME);
  return h >>> 0;
}

function slotFor(table: TargetTable, text: string, hash = fnv(text)) {
  const buf = Buffer.from(`xx${text}yy`, 'latin1');
  return table.slotOf(buf, 2, 2 + text.length, hash);
}

test('a target seen again is the kept slot and string; another one gets its own', () => {
  const table = new TargetTable();
  const a = slotFor(table, '/m/@v/list');
  assert.equal(a.target, '/m/@v/list');
  assert.equal(slotFor(table, '/m/@v/list'), a);
  assert.equal(table.made, 1);
  const b = slotFor(table, '/m/@v/lisu');
  assert.notEqual(b, a);
  assert.equal(b.target, '/m/@v/lisu');
  assert.equal(table.made, 2);
});

test('targets with the same hash are told apart by their bytes (and their length)', () => {
  const table = new TargetTable();
  const a = slotFor(table, '/a', 42);
  const b = slotFor(table, '/b', 42);
  const c = slotFor(table, '/bb', 42);
  assert.equal(a.target, '/a');
  assert.equal(b.target, '/b');
  assert.equal(c.target, '/bb');
  assert.equal(slotFor(table, '/a', 42), a);
  assert.equal(slotFor(table, '/b', 42), b);
  assert.equal(slotFor(table, '/bb', 42), c);
});

test('a set holds TARGET_WAYS targets: more replace the kept ones, and the table stays bounded', () => {
  const table = new TargetTable();
  const kept = [];
  for (let i = 0; i <= TARGET_WAYS; i++) kept.push(slotFor(table, `/t${i}`, 7));
  assert.equal(table.made, TARGET_WAYS + 1);
  // The last one is kept; of the first TARGET_WAYS, one made room.
  assert.equal(slotFor(table, `/t${TARGET_WAYS}`, 7), kept[TARGET_WAYS]);
  let again = 0;
  for (let i = 0; i < TARGET_WAYS; i++) if (slotFor(table, `/t${i}`, 7) !== kept[i]) again++;
  assert.ok(again >= 1);
  // Many distinct targets: never more than TARGET_SLOTS kept (each one seen again is either
  // kept or made again, never wrong).
  for (let i = 0; i < 3 * TARGET_SLOTS; i++) {
    const text = `/many/${i}`;
    assert.equal(slotFor(table, text).target, text);
  }
});

test('a target longer than MAX_KEPT_TARGET is read each time, not kept', () => {
  const table = new TargetTable();
  const long = `/${'x'.repeat(MAX_KEPT_TARGET)}`;
  const a = slotFor(table, long);
  const b = slotFor(table, long);
  assert.equal(a.target, long);
  assert.notEqual(a, b);
  const fits = `/${'x'.repeat(MAX_KEPT_TARGET - 1)}`;
  assert.equal(slotFor(table, fits), slotFor(table, fits));
});

test('readRequestHead with a table: the hash of the target bytes finds the kept target', () => {
  const table = new TargetTable();
  const read = (text: string) => {
    const r = readRequestHead(Buffer.from(text, 'latin1'), 0, table);
    assert.ok(r !== PARTIAL && r !== HANDOVER);
    return r;
  };
  const one = read('GET /a/@v/v1.0.0.info?x=1 HTTP/1.1\r\nHost: x\r\n\r\n');
  const two = read('HEAD /a/@v/v1.0.0.info?x=1 HTTP/1.1\r\nhost: y\r\nX-A: b\r\n\r\n');
  assert.equal(one.target, '/a/@v/v1.0.0.info?x=1');
  assert.ok(one.slot !== undefined);
  assert.equal(two.slot, one.slot);
  assert.equal(one.slot.hash, fnv('/a/@v/v1.0.0.info?x=1'));
  assert.equal(table.made, 1);
  const other = read('GET /a/@v/v1.0.0.info?x=2 HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(other.target, '/a/@v/v1.0.0.info?x=2');
  assert.notEqual(other.slot, one.slot);
  // Without a table: no slot, a new string.
  const plain = readRequestHead(Buffer.from('GET /a HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'), 0);
  assert.ok(plain !== PARTIAL && plain !== HANDOVER);
  assert.equal(plain.slot, undefined);
});
