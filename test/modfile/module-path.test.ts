import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { goUnquote, modulePath, trimGoSpace } from '../../src/modfile/index.js';

// x/mod modfile/read_test.go modulePathTests.
const modulePathTests: ReadonlyArray<readonly [string, string]> = [
  ['module "github.com/rsc/vgotest"', 'github.com/rsc/vgotest'],
  ['module github.com/rsc/vgotest', 'github.com/rsc/vgotest'],
  ['module  "github.com/rsc/vgotest"', 'github.com/rsc/vgotest'],
  ['module  github.com/rsc/vgotest', 'github.com/rsc/vgotest'],
  ['module `github.com/rsc/vgotest`', 'github.com/rsc/vgotest'],
  ['module "github.com/rsc/vgotest/v2"', 'github.com/rsc/vgotest/v2'],
  ['module github.com/rsc/vgotest/v2', 'github.com/rsc/vgotest/v2'],
  ['module "gopkg.in/yaml.v2"', 'gopkg.in/yaml.v2'],
  ['module gopkg.in/yaml.v2', 'gopkg.in/yaml.v2'],
  ['module "gopkg.in/check.v1"\n', 'gopkg.in/check.v1'],
  ['module "gopkg.in/check.v1\n"', ''],
  ['module gopkg.in/check.v1\n', 'gopkg.in/check.v1'],
  ['module "gopkg.in/check.v1"\r\n', 'gopkg.in/check.v1'],
  ['module gopkg.in/check.v1\r\n', 'gopkg.in/check.v1'],
  ['module "gopkg.in/check.v1"\n\n', 'gopkg.in/check.v1'],
  ['module gopkg.in/check.v1\n\n', 'gopkg.in/check.v1'],
  ['module \n"gopkg.in/check.v1"\n\n', ''],
  ['module \ngopkg.in/check.v1\n\n', ''],
  ['module "gopkg.in/check.v1"asd', ''],
  ['module  \nmodule a/b/c ', 'a/b/c'],
  ['module "   "', '   '],
  ['module   ', ''],
  ['module "  a/b/c  "', '  a/b/c  '],
  ['module "github.com/rsc/vgotest1" // with a comment', 'github.com/rsc/vgotest1'],
];

describe('modulePath', () => {
  for (const [input, want] of modulePathTests) {
    it(JSON.stringify(input), () => {
      assert.equal(modulePath(input), want);
      assert.equal(modulePath(Buffer.from(input)), want);
    });
  }

  it('skips words that only start with "module" and whole-line comments', () => {
    assert.equal(modulePath('modulex a/b\n// module c/d\nmodule e/f'), 'e/f');
    assert.equal(modulePath('go 1.21\n\tmodule\tx.y/z // c\n'), 'x.y/z');
    assert.equal(modulePath(''), '');
  });

  it('unquotes escapes and drops carriage returns in raw strings', () => {
    assert.equal(modulePath('module "x.y/\\u007a"'), 'x.y/z');
    assert.equal(modulePath('module "x.y/\\q"'), '');
    assert.equal(modulePath('module `x.y/z\r`'), 'x.y/z');
  });
});

describe('goUnquote (strconv.Unquote)', () => {
  const ok: ReadonlyArray<readonly [string, string]> = [
    ['""', ''],
    ['"a"', 'a'],
    ['"abc"', 'abc'],
    ['"☺"', '☺'],
    ['"hello world"', 'hello world'],
    ['"\\xFF"', '\uFFFD'], // a lone byte, not UTF-8
    ['"\\377"', '\uFFFD'],
    ['"\\u1234"', '\u1234'],
    ['"\\U00010111"', '\u{10111}'],
    ['"\\U0001011111"', '\u{10111}11'],
    ['"\\a\\b\\f\\n\\r\\t\\v\\\\\\""', '\x07\b\f\n\r\t\v\\"'],
    ['"\'"', "'"],
    ['"\\xe2\\x98\\xba"', '☺'],
    ['`a`', 'a'],
    ['`\\n`', '\\n'],
    ['`\n`', '\n'],
    ['`a\rb`', 'ab'],
    ['``', ''],
  ];
  for (const [input, want] of ok) {
    it(`accepts ${JSON.stringify(input)}`, () => assert.equal(goUnquote(input), want));
  }
  // From strconv's misquoted table, the string forms.
  const bad = [
    '',
    '"',
    '"a',
    '"\'',
    'b"',
    '"\\"',
    '"\\9"',
    '"\\19"',
    '"\\129"',
    '"\\400"',
    '"\\x1"',
    '"\\u12"',
    '"\\U1234567"',
    '"\\uD800"',
    '"\\U00110000"',
    '"\\\'"',
    '"\n"',
    '"a"b"',
    '`a',
    '`a`b`',
    "'a'",
    'a',
  ];
  for (const input of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => assert.equal(goUnquote(input), undefined));
  }
});

describe('trimGoSpace', () => {
  it("trims Go's white space, not JavaScript's", () => {
    assert.equal(trimGoSpace('\u0085\t a \u3000\r\n'), 'a');
    assert.equal(trimGoSpace('\uFEFFa'), '\uFEFFa');
  });
});
