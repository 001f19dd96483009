import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { modulePath } from '../../src/modfile/index.js';

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
