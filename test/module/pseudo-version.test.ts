// Vectors from golang.org/x/mod/module/pseudo_test.go (pseudoTests,
// TestInvalidPseudoVersionBase, TestIncDecimal, TestDecDecimal) and the spec's locally
// computed examples.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import {
  decDecimal,
  incDecimal,
  isPseudoVersion,
  isZeroPseudoVersion,
  pseudoVersion,
  pseudoVersionBase,
  pseudoVersionRev,
  pseudoVersionTime,
  zeroPseudoVersion,
} from '../../src/module/index.js';

const isInvalid = (err: unknown): boolean => err instanceof ModgateError && err.kind === 'invalid';

/** [major, older, version] */
const pseudoTests: ReadonlyArray<readonly [string, string, string]> = [
  ['', '', 'v0.0.0-20060102150405-hash'],
  ['v0', '', 'v0.0.0-20060102150405-hash'],
  ['v1', '', 'v1.0.0-20060102150405-hash'],
  ['v2', '', 'v2.0.0-20060102150405-hash'],
  ['unused', 'v0.0.0', 'v0.0.1-0.20060102150405-hash'],
  ['unused', 'v1.2.3', 'v1.2.4-0.20060102150405-hash'],
  ['unused', 'v1.2.99999999999999999', 'v1.2.100000000000000000-0.20060102150405-hash'],
  ['unused', 'v1.2.3-pre', 'v1.2.3-pre.0.20060102150405-hash'],
  ['unused', 'v1.3.0-pre', 'v1.3.0-pre.0.20060102150405-hash'],
  ['unused', 'v0.0.0--', 'v0.0.0--.0.20060102150405-hash'],
  ['unused', 'v1.0.0+metadata', 'v1.0.1-0.20060102150405-hash+metadata'],
  ['unused', 'v2.0.0+incompatible', 'v2.0.1-0.20060102150405-hash+incompatible'],
  ['unused', 'v2.3.0-pre+incompatible', 'v2.3.0-pre.0.20060102150405-hash+incompatible'],
];

const pseudoTime = new Date(Date.UTC(2006, 0, 2, 15, 4, 5));

test('pseudoVersion', () => {
  for (const [major, older, version] of pseudoTests) {
    assert.equal(pseudoVersion(major, older, pseudoTime, 'hash'), version);
  }
  const t = new Date('2019-11-09T02:19:31.987Z');
  assert.equal(pseudoVersion('', '', t, 'daa7c04131f5'), 'v0.0.0-20191109021931-daa7c04131f5');
  assert.equal(
    pseudoVersion('v2', 'v2.3.4', t, 'daa7c04131f5'),
    'v2.3.5-0.20191109021931-daa7c04131f5',
  );
  assert.equal(
    pseudoVersion('', 'v1.0.0-rc.1', t, 'daa7c04131f5'),
    'v1.0.0-rc.1.0.20191109021931-daa7c04131f5',
  );
});

test('isPseudoVersion', () => {
  for (const [, older, version] of pseudoTests) {
    assert.equal(isPseudoVersion(version), true, version);
    assert.equal(isPseudoVersion(older), false, older);
  }
  assert.equal(isPseudoVersion('v1.2.3-pre.20060102150405-hash'), false);
  assert.equal(isPseudoVersion('v1.2.3-0.2006010215040-hash'), false);
  assert.equal(isPseudoVersion('v1.0.0-20060102150405-hash'), true);
});

test('pseudoVersionTime', () => {
  for (const [, older, version] of pseudoTests) {
    assert.equal(pseudoVersionTime(version).getTime(), pseudoTime.getTime(), version);
    assert.throws(() => pseudoVersionTime(older), isInvalid);
  }
  assert.throws(() => pseudoVersionTime('---'), isInvalid);
  assert.throws(
    () => pseudoVersionTime('v0.0.0-20060230150405-hash'),
    (err: unknown) =>
      isInvalid(err) &&
      (err as Error).message ===
        'pseudo-version "v0.0.0-20060230150405-hash" invalid: malformed time "20060230150405"',
  );
  for (const bad of ['20061302150405', '20060100150405', '20060102240405', '20060102156005']) {
    assert.throws(() => pseudoVersionTime(`v0.0.0-${bad}-hash`), isInvalid, bad);
  }
  assert.equal(
    pseudoVersionTime('v0.0.0-20040229000000-hash').toISOString(),
    '2004-02-29T00:00:00.000Z',
  );
  assert.equal(pseudoVersionTime(zeroPseudoVersion('')).toISOString(), '0001-01-01T00:00:00.000Z');
});

test('pseudoVersionRev', () => {
  for (const [, older, version] of pseudoTests) {
    assert.equal(pseudoVersionRev(version), 'hash');
    assert.throws(() => pseudoVersionRev(older), isInvalid);
  }
});

test('pseudoVersionBase', () => {
  for (const [, older, version] of pseudoTests) {
    assert.equal(pseudoVersionBase(version), older, version);
  }
});

test('pseudoVersionBase rejects invalid pseudo-versions', () => {
  for (const input of [
    'v0.0.0',
    'v0.0.0-', // malformed: empty prerelease
    'v0.0.0-0.20060102150405-hash', // Z+1 == 0
    'v0.1.0-0.20060102150405-hash', // Z+1 == 0
    'v1.0.0-0.20060102150405-hash', // Z+1 == 0
    'v0.0.0-20060102150405-hash+incompatible', // +incompatible without base version
    'v0.0.0-20060102150405-hash+metadata', // other metadata without base version
  ]) {
    assert.throws(() => pseudoVersionBase(input), isInvalid, input);
  }
});

test('zeroPseudoVersion and isZeroPseudoVersion', () => {
  assert.equal(zeroPseudoVersion(''), 'v0.0.0-00010101000000-000000000000');
  assert.equal(zeroPseudoVersion('v2'), 'v2.0.0-00010101000000-000000000000');
  assert.equal(isZeroPseudoVersion('v0.0.0-00010101000000-000000000000'), true);
  assert.equal(isZeroPseudoVersion('v2.0.0-00010101000000-000000000000'), true);
  assert.equal(isZeroPseudoVersion('v0.0.0-20060102150405-hash'), false);
  assert.equal(isZeroPseudoVersion('v1.0.0'), false);
});

test('incDecimal', () => {
  for (const [input, want] of [
    ['0', '1'],
    ['1', '2'],
    ['99', '100'],
    ['100', '101'],
    ['101', '102'],
    ['199', '200'],
  ] as const) {
    assert.equal(incDecimal(input), want);
  }
});

test('decDecimal', () => {
  for (const [input, want] of [
    ['', ''],
    ['0', ''],
    ['00', ''],
    ['1', '0'],
    ['2', '1'],
    ['99', '98'],
    ['100', '99'],
    ['101', '100'],
    ['200', '199'],
  ] as const) {
    assert.equal(decDecimal(input), want);
  }
});
