// Vectors from golang.org/x/mod/modfile: read_test.go (modulePathTests, TestGoVersion),
// testdata/retract.in, rule_test.go (retractRationaleTests, moduleDeprecatedTests).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import {
  compareGoVersions,
  goLang,
  goLanguageVersion,
  isRetracted,
  modulePath,
  parseGoMod,
  retractionsFor,
} from '../../src/modfile/index.js';

const isInvalid = (err: unknown): boolean => err instanceof ModgateError && err.kind === 'invalid';

/** Go's tests indent their go.mod literals with tabs; the parser ignores leading tabs. */
test('modulePath', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
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
    // Beyond x/mod's table.
    ['// module commented.out/m\nmodulex y\n\tmodule  real.example/m  // c\n', 'real.example/m'],
    ['module "a\\u00e9\\x41"', 'aéA'],
    ['go 1.21\n', ''],
    ['', ''],
    ['module "x.y/\\u007a"', 'x.y/z'],
    ['module "x.y/\\q"', ''],
    ['module `x.y/z\r`', 'x.y/z'],
  ];
  for (const [input, want] of cases) {
    assert.equal(modulePath(input), want, JSON.stringify(input));
    assert.equal(modulePath(Buffer.from(input)), want);
  }
});

test('retract.in: single versions, intervals and blocks', () => {
  const input = [
    'module abc',
    '',
    'retract "v1.2.3"',
    '',
    'retract [ "v1.2.3" , "v1.2.4" ]',
    '',
    'retract (',
    '\t"v1.2.3"',
    '',
    '\t[ "v1.2.3" , "v1.2.4" ]',
    ')',
    '',
  ].join('\n');
  const f = parseGoMod(input);
  assert.equal(f.module?.path, 'abc');
  assert.deepEqual(f.retract, [
    { low: 'v1.2.3', high: 'v1.2.3', rationale: '' },
    { low: 'v1.2.3', high: 'v1.2.4', rationale: '' },
    { low: 'v1.2.3', high: 'v1.2.3', rationale: '' },
    { low: 'v1.2.3', high: 'v1.2.4', rationale: '' },
  ]);
});

test('retraction rationale (retractRationaleTests)', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['no_comment', 'module m\nretract v1.0.0', ''],
    ['prefix_one', 'module m\n//   prefix\nretract v1.0.0 \n', 'prefix'],
    [
      'prefix_multiline',
      'module m\n//  one\n//\n//     two\n//\n// three  \nretract v1.0.0',
      'one\n\ntwo\n\nthree',
    ],
    ['suffix', 'module m\nretract v1.0.0 // suffix\n', 'suffix'],
    ['prefix_suffix_after', 'module m\n// prefix\nretract v1.0.0 // suffix\n', 'prefix\nsuffix'],
    ['block_only', '// block\nretract (\n\tv1.0.0\n)\n', 'block'],
    ['block_and_line', '// block\nretract (\n\t// line\n\tv1.0.0\n)\n', 'line'],
    // Beyond x/mod's table: a blank line detaches a top-level comment, but not in a block.
    ['detached', 'module m\n// detached\n\nretract v1.0.0\n', ''],
    ['block_blank', 'retract (\n\t// line\n\n\tv1.0.0\n)\n', 'line'],
  ];
  for (const [desc, input, want] of cases) {
    const f = parseGoMod(input);
    assert.equal(f.retract.length, 1, desc);
    assert.equal(f.retract[0]?.rationale, want, desc);
  }
});

test('module deprecation (moduleDeprecatedTests)', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['no_comment', 'module m', ''],
    ['other_comment', '// yo\nmodule m', ''],
    ['deprecated_no_colon', '//Deprecated\nmodule m', ''],
    ['deprecated_no_space', '//Deprecated:blah\nmodule m', 'blah'],
    ['deprecated_simple', '// Deprecated: blah\nmodule m', 'blah'],
    ['deprecated_lowercase', '// deprecated: blah\nmodule m', ''],
    ['deprecated_multiline', '// Deprecated: one\n// two\nmodule m', 'one\ntwo'],
    ['deprecated_mixed', '// some other comment\n// Deprecated: blah\nmodule m', ''],
    ['deprecated_middle', '// module m is Deprecated: blah\nmodule m', ''],
    ['deprecated_multiple', '// Deprecated: a\n// Deprecated: b\nmodule m', 'a\nDeprecated: b'],
    ['deprecated_paragraph', '// Deprecated: a\n// b\n//\n// c\nmodule m', 'a\nb'],
    [
      'deprecated_paragraph_space',
      '// Deprecated: the next line has a space\n// \n// c\nmodule m',
      'the next line has a space',
    ],
    ['deprecated_suffix', 'module m // Deprecated: blah', 'blah'],
    ['deprecated_mixed_suffix', '// some other comment\nmodule m // Deprecated: blah', ''],
    [
      'deprecated_mixed_suffix_paragraph',
      '// some other comment\n//\nmodule m // Deprecated: blah',
      'blah',
    ],
    ['deprecated_block', '// Deprecated: blah\nmodule (\n\tm\n)', 'blah'],
  ];
  for (const [desc, input, want] of cases) {
    const f = parseGoMod(input);
    assert.equal(f.module?.path, 'm', desc);
    assert.equal(f.module?.deprecated, want, desc);
  }
});

test('go directive: strict form kept, lax salvage, errors', () => {
  const ok: ReadonlyArray<readonly [string, string]> = [
    ['1.22', '1.22'],
    ['1.22.333', '1.22.333'],
    ['1.2.3', '1.2.3'],
    ['1.2rc1', '1.2rc1'],
    ['1.2beta1', '1.2beta1'],
    ['1.2.beta1', '1.2'],
    ['v1.2.3', '1.2'],
    ['v1.2rc1', '1.2'],
    ['v1.2beta1', '1.2'],
    ['v1.2.beta1', '1.2'],
  ];
  for (const [input, want] of ok) {
    assert.equal(parseGoMod(`module m\ngo ${input}\n`).go, want, input);
  }
  for (const input of [
    'module m\ngo \n',
    'module m\ngo 1\n',
    'module m\ngo v1.2\n',
    'module m\ngo 1.2 3.4\n',
  ]) {
    assert.throws(() => parseGoMod(input), isInvalid, JSON.stringify(input));
  }
  assert.equal(parseGoMod('module m\n').go, undefined);
});

test('lax parsing ignores other directives and bad retractions', () => {
  const f = parseGoMod(
    [
      'module example.com/m',
      '',
      'go 1.23.0',
      '',
      'toolchain go1.24.1',
      'godebug default=go1.21',
      'replace example.com/a => ../a',
      'exclude example.com/b v1.0.0',
      'tool example.com/cmd',
      'frobnicate (',
      '\twhatever',
      ')',
      'require (',
      '\texample.com/a v1.2 // indirect',
      '\t"example.com/b/v2" v2.0.0+incompatible',
      '\texample.com/c v0.0.0-20200101000000-abcdefabcdef // indirect; comment',
      ')',
      'retract [v1.0.0, v1.0.5]',
      'retract [v1.0.0 v1.0.5]',
      'retract (v2.0.0)',
      'retract',
      'retract v9 // shorthand kept as written',
      'retract v1.9.0 extra-token',
    ].join('\n'),
  );
  assert.equal(f.module?.path, 'example.com/m');
  assert.equal(f.go, '1.23.0');
  assert.deepEqual(f.require, [
    { path: 'example.com/a', version: 'v1.2.0', indirect: true },
    { path: 'example.com/b/v2', version: 'v2.0.0+incompatible', indirect: false },
    { path: 'example.com/c', version: 'v0.0.0-20200101000000-abcdefabcdef', indirect: true },
  ]);
  assert.deepEqual(f.retract, [
    { low: 'v1.0.0', high: 'v1.0.5', rationale: '' },
    { low: 'v9', high: 'v9', rationale: 'shorthand kept as written' },
    { low: 'v1.9.0', high: 'v1.9.0', rationale: '' },
  ]);
});

test('errors that make a go.mod invalid, with Go messages', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['module a\nmodule b\n', 'go.mod:2: repeated module statement'],
    ['module a b\n', 'go.mod:1: usage: module module/path'],
    ["module 'a'\n", 'go.mod:1: invalid quoted string: unquoted string cannot contain quote'],
    ['module "a\n', 'go.mod:1:10: unexpected newline in string'],
    ['go 1.20\ngo 1.21\n', 'go.mod:2: repeated go statement'],
    ['go 1\n', "go.mod:1: invalid go version '1': must match format 1.23.0"],
    ['require example.com/a\n', 'go.mod:1: usage: require module/path v1.2.3'],
    [
      'require example.com/a latest\n',
      'go.mod:1: require example.com/a: version "latest" invalid: must be of the form v1.2.3',
    ],
    [
      'require (\n\texample.com/a/v2 v1.0.0\n)\n',
      'go.mod:2:2: require example.com/a/v2: version "v1.0.0" invalid: should be v2, not v1',
    ],
    ['require example.com/a/v1 v1.0.0\n', 'go.mod:1: invalid module path'],
    ['retract (\n\tv1.0.0\n', 'go.mod:3: syntax error (unterminated block started at go.mod:1:1)'],
    ['/* no */\nmodule m\n', 'go.mod:1: mod files must use // comments (not /* */ comments)'],
    ['module m\n\x01\n', "go.mod:2: unexpected input character '\\x01'"],
    ['retract (\n) x\n', 'go.mod:2:4: syntax error (expected newline after closing paren)'],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseGoMod(input),
      (err: unknown) => isInvalid(err) && (err as Error).message === message,
      JSON.stringify(input),
    );
  }
});

test('isRetracted and retractionsFor', () => {
  const f = parseGoMod(
    [
      'module example.com/m',
      'retract (',
      '\t// Published too early.',
      '\t[v1.0.0, v1.0.5]',
      '\tv1.1.0 // Security bug.',
      ')',
      '// Overlapping.',
      'retract v1.0.3',
    ].join('\n'),
  );
  const cases: ReadonlyArray<readonly [string, boolean]> = [
    ['v0.9.0', false],
    ['v1.0.0', true],
    ['v1.0.3', true],
    ['v1.0.5', true],
    ['v1.0.5+meta', true],
    ['v1.0.6-pre', false],
    ['v1.0.6', false],
    ['v1.1.0', true],
    ['v1.1.0-rc.1', false],
    ['v1.1.1', false],
    ['not-a-version', false],
  ];
  for (const [version, want] of cases) assert.equal(isRetracted(version, f.retract), want, version);
  assert.deepEqual(
    retractionsFor('v1.0.3', f.retract).map((r) => r.rationale),
    ['Published too early.', 'Overlapping.'],
  );
  assert.deepEqual(
    retractionsFor('v1.1.0', f.retract).map((r) => r.rationale),
    ['Security bug.'],
  );
});

test('goLanguageVersion, goLang, compareGoVersions', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['module m\ngo 1.24.3\n', 'go1.24'],
    ['module m\ngo 1.24\n', 'go1.24'],
    ['module m\ngo 1.23\n', 'go1.23'],
    ['module m\ngo 1.21rc1\n', 'go1.21'],
    ['module m\ngo 1.0\n', 'go1'],
    ['module m\ngo v1.25.0\n', 'go1.25'],
    ['module m\n', ''],
    ['', ''],
    ['module m\ngo 1\n', ''],
    ['module m\ngo 1.24\nrequire example.com/a bad\n', ''],
    ['module m\ngo 1.24\nretract (\n', ''],
  ];
  for (const [input, want] of cases) {
    assert.equal(goLanguageVersion(input), want, JSON.stringify(input));
    assert.equal(goLanguageVersion(Buffer.from(input)), want);
  }
  assert.equal(goLang('go1.21.0rc1'), '');
  assert.equal(goLang('1.21'), '');
  const ordered = [
    '',
    'go1',
    'go1.21',
    'go1.21rc1',
    'go1.21rc2',
    'go1.21.0',
    'go1.21.10',
    'go1.24',
    'go1.100',
  ];
  ordered.forEach((a, i) => {
    ordered.forEach((b, j) => {
      assert.equal(compareGoVersions(a, b), Math.sign(i - j), `${a} vs ${b}`);
    });
  });
  assert.equal(compareGoVersions('bad', ''), 0);
});
