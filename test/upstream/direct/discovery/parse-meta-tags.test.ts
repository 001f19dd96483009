// Port of cmd/go discovery_test.go parseMetaGoImportsTests, plus the tokenizer's edge cases
// (stop rules, case rules, field counts, entities, syntax errors) and go-source tags.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseMetaGoImports,
  parseMetaGoSources,
  type MetaImport,
  type ModuleMode,
} from '../../../../src/upstream/direct/discovery/index.js';

const mi = (prefix: string, vcs: string, repoRoot: string): MetaImport => ({
  prefix,
  vcs,
  repoRoot,
});
const IgnoreMod: ModuleMode = 'ignore-mod';
const PreferMod: ModuleMode = 'prefer-mod';

const parseMetaGoImportsTests: ReadonlyArray<readonly [string, ModuleMode, MetaImport[]]> = [
  [
    `<meta name="go-import" content="foo/bar git https://github.com/rsc/foo/bar">`,
    IgnoreMod,
    [mi('foo/bar', 'git', 'https://github.com/rsc/foo/bar')],
  ],
  [
    `<meta name="go-import" content="foo/bar git https://github.com/rsc/foo/bar">
		<meta name="go-import" content="baz/quux git http://github.com/rsc/baz/quux">`,
    IgnoreMod,
    [
      mi('foo/bar', 'git', 'https://github.com/rsc/foo/bar'),
      mi('baz/quux', 'git', 'http://github.com/rsc/baz/quux'),
    ],
  ],
  [
    `<meta name="go-import" content="foo/bar git https://github.com/rsc/foo/bar">
		<meta name="go-import" content="foo/bar mod http://github.com/rsc/baz/quux">`,
    IgnoreMod,
    [mi('foo/bar', 'git', 'https://github.com/rsc/foo/bar')],
  ],
  [
    `<meta name="go-import" content="foo/bar mod http://github.com/rsc/baz/quux">
		<meta name="go-import" content="foo/bar git https://github.com/rsc/foo/bar">`,
    IgnoreMod,
    [mi('foo/bar', 'git', 'https://github.com/rsc/foo/bar')],
  ],
  [
    `<meta name="go-import" content="foo/bar mod http://github.com/rsc/baz/quux">
		<meta name="go-import" content="foo/bar git https://github.com/rsc/foo/bar">`,
    PreferMod,
    [mi('foo/bar', 'mod', 'http://github.com/rsc/baz/quux')],
  ],
  [
    `<head>
		<meta name="go-import" content="foo/bar git https://github.com/rsc/foo/bar">
		</head>`,
    IgnoreMod,
    [mi('foo/bar', 'git', 'https://github.com/rsc/foo/bar')],
  ],
  [
    `<meta name="go-import" content="foo/bar git https://github.com/rsc/foo/bar">
		<body>`,
    IgnoreMod,
    [mi('foo/bar', 'git', 'https://github.com/rsc/foo/bar')],
  ],
  [
    `<!doctype html><meta name="go-import" content="foo/bar git https://github.com/rsc/foo/bar">`,
    IgnoreMod,
    [mi('foo/bar', 'git', 'https://github.com/rsc/foo/bar')],
  ],
  [
    // XML doesn't like <div style=position:relative>.
    `<!doctype html><title>Page Not Found</title><meta name=go-import content="chitin.io/chitin git https://github.com/chitin-io/chitin"><div style=position:relative>DRAFT</div>`,
    IgnoreMod,
    [mi('chitin.io/chitin', 'git', 'https://github.com/chitin-io/chitin')],
  ],
  [
    `<meta name="go-import" content="myitcv.io git https://github.com/myitcv/x">
	        <meta name="go-import" content="myitcv.io/blah2 mod https://raw.githubusercontent.com/myitcv/pubx/master">
	        `,
    IgnoreMod,
    [mi('myitcv.io', 'git', 'https://github.com/myitcv/x')],
  ],
  [
    `<meta name="go-import" content="myitcv.io git https://github.com/myitcv/x">
	        <meta name="go-import" content="myitcv.io/blah2 mod https://raw.githubusercontent.com/myitcv/pubx/master">
	        `,
    PreferMod,
    [
      mi('myitcv.io/blah2', 'mod', 'https://raw.githubusercontent.com/myitcv/pubx/master'),
      mi('myitcv.io', 'git', 'https://github.com/myitcv/x'),
    ],
  ],
];

test('parseMetaGoImports: cmd/go parseMetaGoImportsTests', () => {
  parseMetaGoImportsTests.forEach(([html, mode, want], i) => {
    assert.deepEqual(parseMetaGoImports(html, mode), want, `test#${i}`);
  });
});

const tag = (content: string) => `<meta name="go-import" content="${content}">`;
const one = [mi('a.com/x', 'git', 'https://a.com/x')];

test('parseMetaGoImports: case rules', () => {
  // Element and attribute names are case-insensitive; the name value is exact.
  assert.deepEqual(
    parseMetaGoImports(`<META NAME="go-import" CONTENT="a.com/x git https://a.com/x">`),
    one,
  );
  assert.deepEqual(
    parseMetaGoImports(`<Meta Name="go-import" Content="a.com/x git https://a.com/x"/>`),
    one,
  );
  assert.deepEqual(
    parseMetaGoImports(`<meta name="Go-Import" content="a.com/x git https://a.com/x">`),
    [],
  );
  assert.deepEqual(
    parseMetaGoImports(`<meta name=" go-import" content="a.com/x git https://a.com/x">`),
    [],
  );
  // Names are compared by their local part, as Go's Name.Local.
  assert.deepEqual(
    parseMetaGoImports(`<h:meta x:name="go-import" y:content="a.com/x git https://a.com/x">`),
    one,
  );
  // Attribute order does not matter; the first of a repeated attribute counts.
  assert.deepEqual(
    parseMetaGoImports(`<meta content="a.com/x git https://a.com/x" name="go-import">`),
    one,
  );
  assert.deepEqual(
    parseMetaGoImports(
      `<meta name="go-import" content="a.com/x git https://a.com/x" content="b c d">`,
    ),
    one,
  );
  assert.deepEqual(
    parseMetaGoImports(`<link name="go-import" content="a.com/x git https://a.com/x">`),
    [],
  );
});

test('parseMetaGoImports: exactly three fields, any white space', () => {
  assert.deepEqual(parseMetaGoImports(tag('a.com/x git')), []);
  assert.deepEqual(parseMetaGoImports(tag('a.com/x git https://a.com/x subdir')), []);
  assert.deepEqual(parseMetaGoImports(tag('  a.com/x \n\tgit   https://a.com/x  ')), one);
  assert.deepEqual(parseMetaGoImports(tag('a.com/x\u00a0git\u3000https://a.com/x')), one);
  assert.deepEqual(parseMetaGoImports(`<meta name="go-import">`), []);
});

test('parseMetaGoImports: stops at <body> or </head>, whatever their case', () => {
  const after = tag('b.com/y git https://b.com/y');
  assert.deepEqual(parseMetaGoImports(`${tag('a.com/x git https://a.com/x')}<BODY>${after}`), one);
  assert.deepEqual(
    parseMetaGoImports(`<head>${tag('a.com/x git https://a.com/x')}</HEAD>${after}`),
    one,
  );
  assert.deepEqual(parseMetaGoImports(`<head/>${after}`), []);
  assert.deepEqual(parseMetaGoImports(`<body class="x">${after}`), []);
  // <bodyx> and </header> are other elements.
  assert.equal(
    parseMetaGoImports(`<bodyx></header>${tag('a.com/x git https://a.com/x')}`).length,
    1,
  );
});

test('parseMetaGoImports: comments, directives, CDATA, entities, bare attributes', () => {
  assert.deepEqual(parseMetaGoImports(`<!-- ${tag('b.com/y git https://b.com/y')} -->`), []);
  assert.deepEqual(
    parseMetaGoImports(
      `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x>y">${tag('a.com/x git https://a.com/x')}`,
    ),
    one,
  );
  assert.deepEqual(parseMetaGoImports(`<![CDATA[ ${tag('b.com/y git https://b.com/y')} ]]>`), []);
  assert.deepEqual(parseMetaGoImports(tag('a.com/x git https://a.com/x?a=1&amp;b=&#50;&#x33;')), [
    mi('a.com/x', 'git', 'https://a.com/x?a=1&b=23'),
  ]);
  // Unknown entities stay as written (non-strict mode).
  assert.deepEqual(parseMetaGoImports(tag('a.com/x git https://a.com/x&nbsp;')), [
    mi('a.com/x', 'git', 'https://a.com/x&nbsp;'),
  ]);
  assert.deepEqual(
    parseMetaGoImports(`<meta hidden name='go-import' content='a.com/x git https://a.com/x'>`),
    one,
  );
  assert.deepEqual(
    parseMetaGoImports(
      `<?xml version="1.0" encoding="UTF-8"?>${tag('a.com/x git https://a.com/x')}`,
    ),
    one,
  );
});

test('parseMetaGoImports: errors count only when no tag was found', () => {
  // A `<` that starts no name (a script in the head): Go stops reading there.
  assert.throws(
    () => parseMetaGoImports(`<script>if (a < b) {}</script>${tag('a.com/x git https://a.com/x')}`),
    {
      message: 'XML syntax error on line 1: expected element name after <',
    },
  );
  assert.deepEqual(
    parseMetaGoImports(
      `${tag('a.com/x git https://a.com/x')}\n<script>if (a < b) {}</script>${tag('b.com/y git https://b.com/y')}`,
    ),
    one,
  );
  assert.throws(
    () =>
      parseMetaGoImports(
        `<?xml version="1.0" encoding="ISO-8859-1"?>${tag('a.com/x git https://a.com/x')}`,
      ),
    {
      message: /can't decode XML document using charset "ISO-8859-1"/,
    },
  );
  assert.deepEqual(
    parseMetaGoImports(
      `<?xml version="1.0" encoding="ascii"?>${tag('a.com/x git https://a.com/x')}`,
    ),
    one,
  );
  assert.throws(() => parseMetaGoImports(`<meta name="go-import" content="a <b c">`), {
    message: /unescaped < inside quoted string/,
  });
  assert.throws(() => parseMetaGoImports(`\n\n<!-- a -- b -->`), {
    message: 'XML syntax error on line 3: invalid sequence "--" not allowed in comments',
  });
  assert.throws(() => parseMetaGoImports(`<meta name="go-import" content="a b`), {
    message: /unexpected EOF/,
  });
  assert.throws(
    () => parseMetaGoImports(Buffer.from([0x3c, 0x61, 0x20, 0x62, 0x3d, 0x22, 0xff, 0x22, 0x3e])),
    {
      message: /invalid UTF-8/,
    },
  );
  assert.throws(() => parseMetaGoImports(`a ]]> b`), {
    message: /unescaped \]\]> not in CDATA section/,
  });
  assert.throws(() => parseMetaGoImports(`<1a>`), { message: /invalid XML name: 1a/ });
  assert.deepEqual(parseMetaGoImports(''), []);
  assert.deepEqual(parseMetaGoImports('plain text, no tags'), []);
});

test('parseMetaGoSources: four fields, same rules', () => {
  const html = `<html><head>
<meta name="go-import" content="example.com/x git https://github.com/x/x">
<meta name="go-source" content="example.com/x https://github.com/x/x https://github.com/x/x/tree/master{/dir} https://github.com/x/x/blob/master{/dir}/{file}#L{line}">
<meta name="go-source" content="example.com/y _ _">
</head><body><meta name="go-source" content="a b c d"></body></html>`;
  assert.deepEqual(parseMetaGoSources(html), [
    {
      prefix: 'example.com/x',
      home: 'https://github.com/x/x',
      directory: 'https://github.com/x/x/tree/master{/dir}',
      file: 'https://github.com/x/x/blob/master{/dir}/{file}#L{line}',
    },
  ]);
  assert.deepEqual(parseMetaGoSources('<1x>'), []);
});
