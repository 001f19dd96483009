// Vectors from golang.org/x/mod/semver/semver_test.go (`tests`): each row is {in, canonical};
// the row order defines Compare (earlier rows are lower, rows with equal canonical forms are
// equal).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  build,
  canonical,
  compare,
  isValid,
  major,
  majorMinor,
  max,
  prerelease,
  sort,
} from '../../src/semver/index.js';

const tests: ReadonlyArray<readonly [string, string]> = [
  ['bad', ''],
  ['v1-alpha.beta.gamma', ''],
  ['v1-pre', ''],
  ['v1+meta', ''],
  ['v1-pre+meta', ''],
  ['v1.2-pre', ''],
  ['v1.2+meta', ''],
  ['v1.2-pre+meta', ''],
  ['v1.0.0-alpha', 'v1.0.0-alpha'],
  ['v1.0.0-alpha.1', 'v1.0.0-alpha.1'],
  ['v1.0.0-alpha.beta', 'v1.0.0-alpha.beta'],
  ['v1.0.0-beta', 'v1.0.0-beta'],
  ['v1.0.0-beta.2', 'v1.0.0-beta.2'],
  ['v1.0.0-beta.11', 'v1.0.0-beta.11'],
  ['v1.0.0-rc.1', 'v1.0.0-rc.1'],
  ['v1', 'v1.0.0'],
  ['v1.0', 'v1.0.0'],
  ['v1.0.0', 'v1.0.0'],
  ['v1.2', 'v1.2.0'],
  ['v1.2.0', 'v1.2.0'],
  ['v1.2.3-456', 'v1.2.3-456'],
  ['v1.2.3-456.789', 'v1.2.3-456.789'],
  ['v1.2.3-456-789', 'v1.2.3-456-789'],
  ['v1.2.3-456a', 'v1.2.3-456a'],
  ['v1.2.3-pre', 'v1.2.3-pre'],
  ['v1.2.3-pre+meta', 'v1.2.3-pre'],
  ['v1.2.3-pre.1', 'v1.2.3-pre.1'],
  ['v1.2.3-zzz', 'v1.2.3-zzz'],
  ['v1.2.3', 'v1.2.3'],
  ['v1.2.3+meta', 'v1.2.3'],
  ['v1.2.3+meta-pre', 'v1.2.3'],
  ['v1.2.3+meta-pre.sha.256a', 'v1.2.3'],
];

test('isValid', () => {
  for (const [input, out] of tests) assert.equal(isValid(input), out !== '', input);
});

test('canonical', () => {
  for (const [input, out] of tests) assert.equal(canonical(input), out, input);
});

test('major', () => {
  for (const [input, out] of tests) {
    const i = out.indexOf('.');
    assert.equal(major(input), i >= 0 ? out.slice(0, i) : '', input);
  }
});

test('majorMinor', () => {
  for (const [input, out] of tests) {
    let want = '';
    if (out !== '') {
      want = input.split('+')[0]!.split('-')[0]!;
      const dots = want.split('.').length - 1;
      if (dots === 0) want += '.0';
      else if (dots === 2) want = want.slice(0, want.lastIndexOf('.'));
    }
    assert.equal(majorMinor(input), want, input);
  }
});

test('prerelease', () => {
  for (const [input, out] of tests) {
    const i = out.indexOf('-');
    assert.equal(prerelease(input), out !== '' && i >= 0 ? out.slice(i) : '', input);
  }
});

test('build', () => {
  for (const [input, out] of tests) {
    const i = input.indexOf('+');
    assert.equal(build(input), out !== '' && i >= 0 ? input.slice(i) : '', input);
  }
});

test('compare follows the table order', () => {
  tests.forEach(([a, ca], i) => {
    tests.forEach(([b, cb], j) => {
      const want = ca === cb ? 0 : i < j ? -1 : 1;
      assert.equal(compare(a, b), want, `compare(${a}, ${b})`);
    });
  });
});

test('max returns the canonical form of the greater', () => {
  tests.forEach(([a], i) => {
    tests.forEach(([b], j) => {
      assert.equal(max(a, b), canonical(i < j ? b : a), `max(${a}, ${b})`);
    });
  });
});

test('sort orders by compare, ties by string, and does not mutate', () => {
  const inputs = tests.map(([input]) => input);
  const shuffled = [...inputs].reverse();
  const copy = [...shuffled];
  const sorted = sort(shuffled);
  assert.deepEqual(shuffled, copy);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    const c = compare(a, b);
    assert.ok(c < 0 || (c === 0 && a <= b), `${a} before ${b}`);
  }
  assert.deepEqual(sort(['v1.0.0+b', 'v1.0.0', 'v1.0.0+a']), ['v1.0.0', 'v1.0.0+a', 'v1.0.0+b']);
});

test('numbers of any length compare as strings', () => {
  assert.equal(compare('v1.99999999999999999999.0', 'v1.100000000000000000000.0'), -1);
  assert.equal(compare('v123456789012345678901234567890.0.0', 'v2.0.0'), 1);
  assert.equal(compare('v1.0.0-99999999999999999999', 'v1.0.0-100000000000000000000'), -1);
  assert.equal(isValid('v01.0.0'), false);
  assert.equal(isValid('v1.0.0-01'), false);
  assert.equal(isValid('v1.0.0+01'), true);
  assert.equal(isValid('v1.0.0-'), false);
  assert.equal(isValid('v1.0.0-a..b'), false);
  assert.equal(isValid('v1.0.0+'), false);
  assert.equal(isValid('1.0.0'), false);
  assert.equal(isValid(''), false);
});
