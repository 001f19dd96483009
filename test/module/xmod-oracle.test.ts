// Differential test: our semver, module, path.Match and go.mod code against Go's own
// (golang.org/x/mod v0.7.0 from Debian's golang-golang-x-mod-dev, and the Go toolchain's
// path package) on seeded pseudo-random inputs. Skipped when `go` or x/mod is not installed.
//
// Known, intended differences are normalized away: x/mod v0.7.0 predates Go 1.21's
// `go 1.21rc1` / `go 1.21.0` directive syntax and its error text ("must match format 1.23").
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { modulePath, parseGoMod } from '../../src/modfile/index.js';
import * as mod from '../../src/module/index.js';
import * as semver from '../../src/semver/index.js';

const xmodGopath = process.env.MODGATE_XMOD_GOPATH ?? '/usr/share/gocode';
const oracleDir = fileURLToPath(new URL('../../../test/module/xmod-oracle/', import.meta.url));
const haveGo = spawnSync('go', ['version']).status === 0;
const haveXmod = existsSync(join(xmodGopath, 'src/golang.org/x/mod/module/module.go'));
const skip = !haveGo || !haveXmod ? 'needs the go command and golang.org/x/mod sources' : false;

type Query = [string, ...string[]];

/** A small deterministic generator, so failures reproduce. */
function random(seed: number): { next: () => number; pick: <T>(xs: readonly T[]) => T } {
  let s = seed;
  const next = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

function queries(seed: number): Query[] {
  const { next, pick } = random(seed);
  const repeat = (n: number, part: () => string): string => {
    let out = '';
    for (let k = Math.floor(next() * n); k > 0; k--) out += part();
    return out;
  };
  const out: Query[] = [];
  const num = (): string => pick(['0', '1', '2', '10', '01', '99999999999999999999']);
  const ident = (): string => pick(['alpha', '1', '0', '01', 'beta', 'x-y', '', 'rc', '11']);
  for (let i = 0; i < 3000; i++) {
    let v = 'v' + num();
    if (next() < 0.8) v += '.' + num();
    if (next() < 0.8) v += '.' + num();
    if (next() < 0.5) v += '-' + ident() + repeat(3, () => '.' + ident());
    if (next() < 0.3) v += '+' + pick(['incompatible', 'meta', '01', '', 'x.y']);
    const w = `v${num()}.${num()}.${num()}` + (next() < 0.5 ? '-' + ident() : '');
    out.push(['semver', v, w]);
  }
  const junk = ['a', '.', '/', '-', '_', '~', 'A', '+', '!', 'é', '1', '.v', '/v', ' ', ':'];
  const more = ['*', '[', ']', '\\', '"', "'", '`', '@', '#', '☺', '😀', '!a', '..', 'aux'];
  const elem = (): string =>
    pick(['a', 'b.c', 'x~1', 'aux', 'com1.go', '.git', 'Z', 'v2', 'v1', 'v0', 'v2.0', 'v02']) +
    pick(['', '', 'yaml.v2', '.v0', '-unstable', '+x', 'é', '..y', '!q']);
  for (let i = 0; i < 3000; i++) {
    let p = pick(['example.com', 'gopkg.in', 'x.y', 'Example.com', '-a.b', 'ab', 'a.b-c']);
    p += repeat(4, () => '/' + elem());
    out.push(['path', p]);
    out.push(['path', repeat(8, () => pick([...junk, ...more]))]);
    const version = pick(['v1.0.0', 'v2.0.0', 'v2.0.0+incompatible', 'v0.0.0-20160102150405-abc']);
    out.push(['check', p, pick([version, 'v3.1.0', '1.0.0', 'v2.1.0-pre', 'v0.1.0'])]);
  }
  const glob = ['a', 'b', '.', '/', '*', '?', '[', ']', '^', '-', '\\', 'é', '☺', 'x.y', '*/'];
  for (let i = 0; i < 4000; i++) {
    const target = repeat(6, () => pick(glob));
    out.push(['match', repeat(6, () => pick([...glob, ','])), target]);
  }
  const bases = ['v0.0.0-', 'v1.2.4-0.', 'v1.2.3-pre.0.', 'v2.0.0-', 'v1.0.0-0.', 'v1.0-'];
  for (let i = 0; i < 2000; i++) {
    const ts = String(20000000000000 + Math.floor(next() * 9999999999999)).slice(0, 14);
    const rev = repeat(14, () => pick(['a', 'f', '0', '9', '-']));
    const suffix = pick(['', '', '', '+incompatible', '+meta', '+']);
    out.push([
      'pseudo',
      pick(bases) + (next() < 0.8 ? ts : repeat(16, () => pick(['1', '0']))) + '-' + rev + suffix,
    ]);
  }
  const lines = [
    ...['', '', '// Deprecated: old', '// Deprecated:x', '//', '// c', '  // note'],
    ...['module m', 'module example.com/m', 'module "example.com/q"', 'module `raw`'],
    ...['module m // Deprecated: s', 'module a b', 'module (', ')', ') // tail'],
    ...['retract (', 'require (', 'exclude (', 'go (', 'go 1.20', 'go v1.2.beta1', 'go 1'],
    ...['retract v1.0.0', 'retract v1.0.0 // why', 'retract [v1.0.0, v1.1.0]', 'retract v1.2'],
    ...['retract [v1.0.0,v1.1.0] // r', 'retract "v1.2.3"', 'retract bad', 'retract v1 x'],
    ...['retract [v1.0.0 v1.1.0]', '\tv1.3.0', '\t[v1.4.0, v1.5.0]', '\tv1.6.0 // inblock'],
    ...['\t// above', '\texample.com/r v1.0.0', '\texample.com/r v1.0.0 // indirect', '\tm'],
    ...['require example.com/a v1.2.3', 'require example.com/a v1.2', 'require x latest'],
    ...['require example.com/a/v2 v2.0.0 // indirect; x', 'require example.com/a/v2 v1.0.0'],
    ...['replace a => ../a', 'toolchain go1.21.0', 'unknown thing', 'retract ( )'],
  ];
  for (let i = 0; i < 3000; i++) {
    const text = repeat(9, () => pick(lines) + pick(['\n', '\n', '\r\n']));
    out.push(['gomod', text]);
  }
  return out;
}

function errorText(f: () => unknown): string {
  try {
    f();
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

function orEmpty(f: () => string): string {
  try {
    return f();
  } catch {
    return '';
  }
}

function ours(q: Query): unknown {
  const [kind, a = '', b = ''] = q;
  switch (kind) {
    case 'semver':
      return [
        semver.isValid(a),
        semver.canonical(a),
        semver.major(a),
        semver.majorMinor(a),
        semver.prerelease(a),
        semver.build(a),
        semver.compare(a, b),
        mod.canonicalVersion(a),
      ];
    case 'path': {
      const split = mod.splitPathVersion(a);
      return [
        errorText(() => mod.checkPath(a)),
        errorText(() => mod.checkImportPath(a)),
        errorText(() => mod.checkFilePath(a)),
        split.pathMajor,
        split.ok,
        orEmpty(() => mod.escapePath(a)),
        orEmpty(() => mod.unescapePath(a)),
        errorText(() => mod.unescapePath(a)) === '',
        orEmpty(() => mod.escapeVersion(a)),
        orEmpty(() => mod.unescapeVersion(a)),
      ];
    }
    case 'check':
      return [errorText(() => mod.check(a, b))];
    case 'match': {
      const m = mod.pathMatch(a, b);
      return [m.matched, m.badPattern, mod.matchPrefixPatterns(a, b)];
    }
    case 'pseudo':
      return [
        mod.isPseudoVersion(a),
        orEmpty(() => mod.pseudoVersionBase(a)),
        errorText(() => mod.pseudoVersionBase(a)),
        orEmpty(() => mod.pseudoVersionRev(a)),
        orEmpty(() => mod.pseudoVersionTime(a).toISOString().replace('.000Z', 'Z')),
        mod.isZeroPseudoVersion(a),
      ];
    case 'gomod': {
      const head = modulePath(a);
      try {
        const f = parseGoMod(a);
        return [
          head,
          '',
          f.module === undefined ? [] : [f.module.path, f.module.deprecated],
          f.go ?? '',
          f.require.map((r) => [r.path, r.version, r.indirect]),
          f.retract.map((r) => [r.low, r.high, r.rationale]),
        ];
      } catch (err) {
        return [head, (err as Error).message.replaceAll('format 1.23.0', 'format 1.23')];
      }
    }
  }
  throw new Error(`unknown query ${kind}`);
}

test('agrees with golang.org/x/mod and path.Match', { skip, timeout: 300_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'modgate-xmod-oracle-'));
  try {
    const bin = join(work, 'xmod-oracle');
    const build = spawnSync('go', ['build', '-o', bin, '.'], {
      cwd: oracleDir,
      env: {
        ...process.env,
        GO111MODULE: 'off',
        GOPATH: `${work}:${xmodGopath}`,
        GOFLAGS: '',
        GOCACHE: process.env.GOCACHE ?? join(work, 'cache'),
      },
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, build.stderr);
    for (const seed of [1, 2, 3]) {
      const qs = queries(seed);
      const run = spawnSync(bin, {
        input: qs.map((q) => JSON.stringify(q)).join('\n') + '\n',
        maxBuffer: 1 << 28,
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      const answers = run.stdout.trimEnd().split('\n');
      assert.equal(answers.length, qs.length);
      let mismatches = 0;
      qs.forEach((q, i) => {
        const want: unknown = JSON.parse(answers[i]!);
        const got = ours(q);
        if (JSON.stringify(got) !== JSON.stringify(want) && mismatches++ < 10) {
          assert.deepEqual(got, want, JSON.stringify(q));
        }
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
