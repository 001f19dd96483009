/**
 * Reading `<meta name="go-import">` and `<meta name="go-source">` tags from a `?go-get=1` page
 * (cmd/go vcs/discovery.go parseMetaGoImports; https://go.dev/ref/mod#vcs-find).
 *
 * Rules, as the go command applies them:
 * - The page is read with a lenient XML tokenizer (lenient-xml-tokenizer.ts) and reading stops
 *   at the start tag `<body>` or the end tag `</head>` (names case-insensitive).
 * - Only `<meta>` elements count (case-insensitive); attribute names are case-insensitive, but
 *   the `name` value must be exactly `go-import` (or `go-source`).
 * - `content` split on white space must give exactly 3 fields for go-import (`prefix vcs
 *   repo-root`; Go 1.25 added an optional 4th, not accepted here) and 4 for go-source.
 * - A syntax error ends the scan: the tags found before it are the answer, and the error is
 *   reported only when there were none.
 * - In module mode (`prefer-mod`) `mod` entries come first and hide any non-mod entry with
 *   the same prefix; in `ignore-mod` mode they are dropped.
 *
 * go-source (prefix, home, directory template, file template) is not read by the go command;
 * it is the godoc.org / pkg.go.dev convention for linking to source, parsed here for display.
 */
import { LenientXmlTokenizer } from './lenient-xml-tokenizer.js';

export interface MetaImport {
  prefix: string;
  vcs: string;
  repoRoot: string;
}

export interface MetaSource {
  prefix: string;
  home: string;
  directory: string;
  file: string;
}

/** cmd/go's ModuleMode: a module proxy always prefers `mod` entries. */
export type ModuleMode = 'prefer-mod' | 'ignore-mod';

/** The go-import tags of a page; throws the tokenizer's error when it found none. */
export function parseMetaGoImports(
  html: Uint8Array | string,
  mode: ModuleMode = 'prefer-mod',
): MetaImport[] {
  const { found, error } = scanMetaTags(html, 'go-import', 3);
  if (found.length === 0 && error) throw error;
  const imports = found.map(([prefix = '', vcs = '', repoRoot = '']) => ({
    prefix,
    vcs,
    repoRoot,
  }));
  const list: MetaImport[] = [];
  const modPrefixes = new Set<string>();
  if (mode === 'prefer-mod') {
    for (const m of imports) {
      if (m.vcs === 'mod') {
        modPrefixes.add(m.prefix);
        list.push(m);
      }
    }
  }
  for (const m of imports) {
    if (m.vcs !== 'mod' && !modPrefixes.has(m.prefix)) list.push(m);
  }
  return list;
}

/** The go-source tags of a page; never throws (tags after a syntax error are not seen). */
export function parseMetaGoSources(html: Uint8Array | string): MetaSource[] {
  return scanMetaTags(html, 'go-source', 4).found.map(
    ([prefix = '', home = '', directory = '', file = '']) => ({ prefix, home, directory, file }),
  );
}

// Go's strings.Fields: Unicode white space (unicode.IsSpace), which differs from JS `\s` in
// U+0085 (space in Go) and U+FEFF (not space in Go).
const FIELD_SEPARATOR =
  /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

function fields(s: string): string[] {
  return s.split(FIELD_SEPARATOR).filter((f) => f !== '');
}

function scanMetaTags(
  html: Uint8Array | string,
  name: string,
  nfields: number,
): { found: string[][]; error: Error | undefined } {
  const input = typeof html === 'string' ? Buffer.from(html, 'utf8') : html;
  const tokenizer = new LenientXmlTokenizer(input);
  const found: string[][] = [];
  for (;;) {
    let t;
    try {
      t = tokenizer.next();
    } catch (err) {
      return { found, error: err instanceof Error ? err : new Error(String(err)) };
    }
    if (t === null) break;
    if (t.type === 'start' && equalFold(t.name, 'body')) break;
    if (t.type === 'end' && equalFold(t.name, 'head')) break;
    if (t.type !== 'start' || !equalFold(t.name, 'meta')) continue;
    if (attrValue(t.attrs, 'name') !== name) continue;
    const f = fields(attrValue(t.attrs, 'content'));
    if (f.length === nfields) found.push(f);
  }
  return { found, error: undefined };
}

/** The value of the first attribute whose name equals `name` case-insensitively, or ''. */
function attrValue(attrs: ReadonlyArray<{ name: string; value: string }>, name: string): string {
  for (const a of attrs) if (equalFold(a.name, name)) return a.value;
  return '';
}

/** Go's strings.EqualFold, near enough for tag and attribute names (`ſ` ~ `s`, `K` ~ `k`). */
function equalFold(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase();
}
