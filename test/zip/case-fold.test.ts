import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { strToFold } from '../../src/zip/index.js';

describe('strToFold (x/mod strToFold / strings.EqualFold)', () => {
  const same: [string, string][] = [
    ['k', 'K'],
    ['k', '\u212a'], // KELVIN SIGN
    ['s', '\u017f'], // LATIN SMALL LETTER LONG S
    ['S', '\u017f'],
    ['\u00e5', '\u212b'], // å and ANGSTROM SIGN
    ['\u00c5', '\u212b'],
    ['\u00b5', '\u039c'], // MICRO SIGN and GREEK CAPITAL MU
    ['\u03bc', '\u00b5'],
    ['\u03b8', '\u03d1'], // θ and ϑ
    ['\u1e9e', '\u00df'], // ẞ and ß
    ['M.GO', 'm.go'],
    ['Ünïcödé/Dir', 'ünÏcÖdÉ/dIR'],
    ['\u{10400}', '\u{10428}'], // DESERET, outside the BMP
  ];
  for (const [a, b] of same) {
    test(`${a} ≡ ${b}`, () => assert.equal(strToFold(a), strToFold(b)));
  }

  const different: [string, string][] = [
    ['ss', '\u00df'], // full case folding would equate these; simple folding does not
    ['i', '\u0130'], // İ has no simple fold to i in Go
    ['i', '\u0131'], // ı neither
    ['a', 'b'],
  ];
  for (const [a, b] of different) {
    test(`${a} ≢ ${b}`, () => assert.notEqual(strToFold(a), strToFold(b)));
  }

  test('ASCII lower case is its own fold (fast path)', () => {
    assert.equal(strToFold('example.com/m/a_b-c.go'), 'example.com/m/a_b-c.go');
  });

  test('folds to the orbit minimum, then A–Z to lower case', () => {
    assert.equal(strToFold('K\u212ak'), 'kkk');
    assert.equal(strToFold('\u017f'), 's');
    assert.equal(strToFold('\u03a3\u03c3\u03c2'), '\u03a3\u03a3\u03a3'); // Σσς → Σ (U+03A3 smallest)
  });
});
