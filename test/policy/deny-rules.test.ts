// Block lists (issue 14 item 3): version ranges in Go semver, rules per module pattern, and
// start-up errors naming the rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  blockedError,
  blockingRule,
  compileDenyRule,
  compileDenyRules,
  compilePolicy,
} from '../../src/policy/index.js';
import { inVersionRange, parseVersionRange } from '../../src/semver/index.js';

// [range, version, in range]
const ranges: ReadonlyArray<readonly [string, string, boolean]> = [
  ['', 'v1.0.0', true],
  ['*', 'v0.0.0-20200101000000-abcdefabcdef', true],
  ['<v1.2.3', 'v1.2.2', true],
  ['<v1.2.3', 'v1.2.3', false],
  ['<v1.2.3', 'v1.10.0', false],
  // Pre-releases and pseudo-versions sort below their release, as Go compares them.
  ['<v1.2.3', 'v1.2.3-rc.1', true],
  ['<v1.2.3', 'v1.2.3-0.20240101000000-abcdefabcdef', true],
  ['>=v1.0.0 <v1.4.0', 'v1.3.9', true],
  ['>=v1.0.0 <v1.4.0', 'v1.4.0', false],
  ['>=v1.0.0 <v1.4.0', 'v0.9.0', false],
  ['>=v1.0.0 <v1.4.0', 'v1.0.0-pre', false],
  ['=v1.2.3', 'v1.2.3', true],
  ['=v1.2.3', 'v1.2.4', false],
  ['v1.2.3', 'v1.2.3', true],
  ['<=v1.2.3', 'v1.2.3', true],
  ['>v1.2.3', 'v1.2.3', false],
  ['>v1.2.3', 'v1.2.4-pre', true],
  // Shorthands: v1 is v1.0.0, v1.2 is v1.2.0.
  ['<v2', 'v1.99.0', true],
  ['=v1.2', 'v1.2.0', true],
  // +incompatible is build metadata: compared as its numbers.
  ['=v2.0.0', 'v2.0.0+incompatible', true],
  ['<v3', 'v2.5.1+incompatible', true],
  ['>=v3', 'v2.5.1+incompatible', false],
  // Alternatives.
  ['<v1.0.0 || =v1.5.0', 'v1.5.0', true],
  ['<v1.0.0 || =v1.5.0', 'v1.4.0', false],
  ['<v1.0.0 || =v1.5.0', 'v0.1.0', true],
  // A version that is not semver is in no range but "*".
  ['<v9.0.0', 'master', false],
  ['*', 'master', true],
];

test('version ranges: Go semver comparison, pre-releases and +incompatible', () => {
  for (const [text, version, want] of ranges) {
    assert.equal(inVersionRange(parseVersionRange(text), version), want, `${text} ∋ ${version}`);
  }
});

test('version ranges: bad syntax is an error naming the bad part', () => {
  for (const [text, part] of [
    ['<1.2.3', '"1.2.3" is not a Go semantic version'],
    ['< v1.2.3', 'has an operator but no version'],
    ['<v1.2.3 ||', 'empty alternative'],
    ['~v1.2.3', '"~v1.2.3" is not a Go semantic version'],
    ['>=v1.0.0,<v2', 'is not a Go semantic version'],
  ] as const) {
    assert.throws(
      () => parseVersionRange(text),
      (err: Error) => err.message.includes(part),
      text,
    );
  }
});

test('deny rules: compiled per module path, first matching rule decides', () => {
  const policy = compilePolicy({
    private: '',
    noVerify: '',
    insecure: '',
    vcsPolicy: '',
    deny: [
      { module: 'example.com/bad', versions: '<v1.2.3', reason: 'CVE-1' },
      { module: 'example.com/*', versions: '=v2.0.0', reason: '' },
      { module: 'typo.example/squat' },
    ],
  });
  const bad = policy.forModule('example.com/bad');
  assert.equal(bad.deny.length, 2);
  assert.equal(blockingRule(bad.deny, 'v1.2.0')?.reason, 'CVE-1');
  assert.equal(blockingRule(bad.deny, 'v1.2.3'), undefined);
  assert.equal(blockingRule(bad.deny, 'v2.0.0')?.index, 1);
  // Sub-paths match, as GOPRIVATE patterns do.
  assert.equal(blockingRule(policy.forModule('example.com/bad/sub').deny, 'v1.0.0')?.index, 0);
  assert.equal(policy.forModule('example.com/badder').deny.length, 1); // only example.com/*
  assert.equal(blockingRule(policy.forModule('typo.example/squat').deny, 'v9.9.9')?.index, 2);
  assert.deepEqual(policy.forModule('golang.org/x/mod').deny, []);
  const err = blockedError('example.com/bad', 'v1.2.0', blockingRule(bad.deny, 'v1.2.0')!);
  assert.equal(err.kind, 'forbidden');
  assert.equal(
    err.message,
    'example.com/bad@v1.2.0 is blocked: CVE-1 (modgate deny rule 1: example.com/bad <v1.2.3)',
  );
  const noReason = blockedError('example.com/x', 'v2.0.0', blockingRule(bad.deny, 'v2.0.0')!);
  assert.match(
    noReason.message,
    /^example.com\/x@v2.0.0 is blocked \(modgate deny rule 2: example.com\/\* =v2.0.0\)$/,
  );
});

test('deny rules: a bad rule is a start-up error naming it', () => {
  for (const [rule, part] of [
    [
      { module: 'example.com/a', versions: '<<v1' },
      'deny[1] ("example.com/a"): versions: bad version range',
    ],
    [{ module: '' }, 'deny[1] (""): module is empty'],
    [{ module: 'example.com/[' }, 'is not a module path pattern'],
    [{ module: 'example.com/a', reason: 'é' }, 'printable ASCII'],
    [{ module: 'example.com/a', reason: 'x'.repeat(1001) }, 'over 1000 characters'],
  ] as const) {
    assert.throws(
      () => compileDenyRules([{ module: 'ok.example/ok' }, rule]),
      (err: Error) => err.message.includes(part),
      part,
    );
  }
});

test('runtime blocks (issue 15): merged after the configured rules, swapped at once', () => {
  const policy = compilePolicy({
    private: '',
    noVerify: '',
    insecure: '',
    vcsPolicy: '',
    deny: [{ module: 'example.com/bad', versions: '<v1.2.3', reason: 'CVE-1' }],
  });
  const before = policy.forModule('example.com/lib');
  assert.deepEqual(before.deny, []);
  const block = compileDenyRule(
    { module: 'example.com/lib', versions: 'v1.0.0', reason: 'broken' },
    'block',
    { index: -1, id: 'b1' },
  );
  policy.setRuntimeDeny([block]);
  const after = policy.forModule('example.com/lib');
  assert.notEqual(after, before); // decided again, not the remembered decision
  assert.equal(blockingRule(after.deny, 'v1.0.0')?.id, 'b1');
  assert.equal(
    blockedError('example.com/lib', 'v1.0.0', block).message,
    'example.com/lib@v1.0.0 is blocked: broken (modgate block b1: example.com/lib v1.0.0)',
  );
  // The configured rules stay, first.
  assert.equal(policy.forModule('example.com/bad').deny[0]?.index, 0);
  assert.equal(policy.configuredDeny.length, 1);
  policy.setRuntimeDeny([]);
  assert.deepEqual(policy.forModule('example.com/lib').deny, []);
  assert.equal(policy.forModule('example.com/bad').deny.length, 1);
  assert.throws(
    () => compileDenyRule({ module: 'example.com/x', versions: '<=1.2' }, 'block', { index: -1 }),
    /^ModgateError: block: versions: bad version range/,
  );
});
