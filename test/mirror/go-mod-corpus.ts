/**
 * A generated, deterministic corpus for `modgate warm`'s download-set tests: dependency
 * modules (pruned go ≥ 1.17, unpruned go 1.16, and no go directive) requiring each other at
 * various versions, and main-module go.mod files over them with `exclude`, module and
 * local-directory `replace`, and go versions on both sides of graph pruning.
 */
import type { FixtureModule } from '../support/fixture-proxy.js';

const VERSIONS = ['v1.0.0', 'v1.1.0', 'v1.2.0'];
const DEPS = 10;
const GO_LINES = ['', 'go 1.16\n', 'go 1.17\n', 'go 1.19\n'];

/** mulberry32: a tiny seeded PRNG, so every run builds the same corpus. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dep = (i: number): string => `example.com/d${i}`;

export interface MainCase {
  readonly name: string;
  readonly goMod: string;
  /** Extra files beside go.mod (local replacement directories), relative paths. */
  readonly files: Record<string, string>;
}

/** Dependency modules: d_i requires some d_j with j < i (plus the replacement target alt). */
export function corpusModules(seed = 13): FixtureModule[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const out: FixtureModule[] = [];
  for (let i = 0; i < DEPS; i++) {
    for (const v of VERSIONS) {
      const reqs = new Map<string, string>();
      const n = i === 0 ? 0 : Math.floor(rnd() * 3);
      for (let k = 0; k < n; k++) reqs.set(dep(Math.floor(rnd() * i)), pick(VERSIONS));
      const require = [...reqs].map(([p, rv]) => `require ${p} ${rv}\n`).join('');
      out.push({
        path: dep(i),
        version: v,
        files: {
          'go.mod': `module ${dep(i)}\n\n${pick(GO_LINES)}${require}`,
          'x.go': 'package x\n',
        },
      });
    }
  }
  for (const v of ['v1.0.0', 'v1.5.0']) {
    out.push({
      path: 'example.com/alt',
      version: v,
      files: {
        'go.mod': `module example.com/alt\n\ngo 1.17\n\nrequire ${dep(1)} v1.1.0\n`,
        'x.go': 'package x\n',
      },
    });
  }
  // A pruned chain for workspaces: p3 requires p1 above what a workspace module does, and only
  // that higher p1 requires p2 (reached only when the upgraded p1 is loaded).
  const pruned = (path: string, version: string, require = ''): FixtureModule => ({
    path,
    version,
    files: { 'go.mod': `module ${path}\n\ngo 1.17\n${require}`, 'x.go': 'package x\n' },
  });
  out.push(
    pruned('example.com/p1', 'v1.0.0'),
    pruned('example.com/p1', 'v1.1.0', 'require example.com/p2 v1.0.0\n'),
    pruned('example.com/p2', 'v1.0.0'),
    pruned('example.com/p3', 'v1.0.0', 'require example.com/p1 v1.1.0\n'),
  );
  return out;
}

/** The requirements in a corpus module's go.mod. */
function requirementsOf(
  corpus: readonly FixtureModule[],
  path: string,
  version: string,
): string[][] {
  const m = corpus.find((x) => x.path === path && x.version === version);
  const text = String(m?.files?.['go.mod'] ?? '');
  return [...text.matchAll(/^require (\S+) (\S+)$/gm)].map((r) => [r[1] ?? '', r[2] ?? '']);
}

/** `count` main modules over the corpus. */
export function mainCases(count: number, corpus: readonly FixtureModule[], seed = 7): MainCase[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const cases: MainCase[] = [];
  for (let c = 0; c < count; c++) {
    const kind = c % 6;
    // An excluded main requirement is dropped; only below go 1.17 (which lists "all", not
    // the direct requirements) does the go command then succeed.
    const goLine = kind === 5 ? 'go 1.19\n' : c % 12 === 7 ? 'go 1.16\n' : pick(GO_LINES);
    const reqs = new Map<string, string>();
    const n = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < n; k++) reqs.set(dep(Math.floor(rnd() * DEPS)), pick(VERSIONS));
    let extra = '';
    const files: Record<string, string> = {};
    if (kind === 1 && c % 12 === 7) {
      // exclude a version the main module itself requires: the go command drops the requirement.
      const [path, v] = [...reqs][0] ?? ['', ''];
      extra += `exclude ${path} ${v}\n`;
    } else if (kind === 1) {
      // exclude a version a dependency requires, never one the main module requires.
      const [path, v] = [...reqs][0] ?? ['', ''];
      const [xp, xv] = pick([...requirementsOf(corpus, path, v), [dep(0), 'v1.1.0']]);
      if (xp !== undefined && xv !== undefined && reqs.get(xp) !== xv) {
        extra += `exclude ${xp} ${xv}\n`;
      }
    } else if (kind === 5) {
      // roots below what a root requires: a pruned main module that is not consistent.
      for (const [path, v] of [...reqs]) {
        for (const [rp] of requirementsOf(corpus, path, v)) {
          if (rp !== undefined && !reqs.has(rp)) reqs.set(rp, 'v1.0.0');
        }
      }
    } else if (kind === 2) {
      const path = pick([...reqs.keys()]);
      extra += `replace ${path} => example.com/alt ${pick(['v1.0.0', 'v1.5.0'])}\n`;
    } else if (kind === 3) {
      const path = pick([...reqs.keys()]);
      extra += `replace ${path} => ./local\n`;
      files['local/go.mod'] = `module ${path}\n\ngo 1.17\n\nrequire ${dep(2)} v1.2.0\n`;
    } else if (kind === 4) {
      const [path, v] = [...reqs][0] ?? ['', ''];
      extra += `replace ${path} ${v} => example.com/alt v1.0.0\n`;
      extra += `replace ${dep(0)} v1.0.0 => ./local0\n`;
      files['local0/go.mod'] = `module ${dep(0)}\n`;
    }
    const require = [...reqs].map(([p, v]) => `require ${p} ${v}\n`).join('');
    cases.push({
      name: `case${c}`,
      goMod: `module example.com/main${c}\n\n${goLine}${require}${extra}`,
      files,
    });
  }
  return cases;
}

export interface WorkspaceCase {
  readonly name: string;
  readonly goWork: string;
  /** Workspace module directories (relative) and their go.mod files. */
  readonly modules: Record<string, string>;
  /** Other files (local replacement directories), relative to the go.work. */
  readonly files?: Record<string, string>;
}

/** `count` go.work workspaces of two or three main modules (no replacements) over the corpus. */
export function workspaceCases(count: number, corpus: readonly FixtureModule[]): WorkspaceCase[] {
  const plain = mainCases(count * 9, corpus, 11).filter((c) => !c.goMod.includes('replace'));
  const cases: WorkspaceCase[] = [];
  for (let w = 0; w < count; w++) {
    const size = 2 + (w % 2);
    // One member whose roots sit below versions its dependencies require (kind 5), so the
    // workspace loader must load upgraded dependencies.
    const inconsistent = plain.filter((c) => Number(c.name.slice(4)) % 6 === 5);
    const others = plain.filter((c) => Number(c.name.slice(4)) % 6 !== 5);
    const members = [
      ...inconsistent.slice(w, w + 1),
      ...others.slice(w * (size - 1), (w + 1) * (size - 1)),
    ];
    const modules: Record<string, string> = {};
    for (const m of members) modules[m.name] = m.goMod;
    const use = Object.keys(modules)
      .map((d) => `\t./${d}\n`)
      .join('');
    cases.push({ name: `work${w}`, goWork: `go 1.18\n\nuse (\n${use})\n`, modules });
  }
  cases.push({
    name: 'work-upgrade',
    goWork: 'go 1.18\n\nuse ./a\nuse ./b\n',
    modules: {
      a: 'module example.com/wa\n\ngo 1.19\n\nrequire example.com/p1 v1.0.0\nrequire example.com/p3 v1.0.0\n',
      b: 'module example.com/wb\n\ngo 1.16\n\nrequire example.com/d3 v1.0.0\n',
    },
  });
  cases.push({
    name: 'work-replace',
    goWork: [
      'go 1.18',
      'use ./a',
      'use ./b',
      'replace example.com/d3 => example.com/alt v1.5.0',
      'replace example.com/d5 v1.2.0 => ./local5',
      '',
    ].join('\n'),
    modules: {
      a: [
        'module example.com/wa',
        'go 1.19',
        'require example.com/d3 v1.0.0',
        'require example.com/d1 v1.1.0',
        'replace example.com/d3 => example.com/alt v1.0.0',
        'replace example.com/d1 => ./ld1',
        '',
      ].join('\n'),
      b: 'module example.com/wb\n\ngo 1.16\n\nrequire example.com/d5 v1.2.0\n',
    },
    files: {
      'local5/go.mod': 'module example.com/d5\n\ngo 1.17\n\nrequire example.com/d2 v1.1.0\n',
      'a/ld1/go.mod': 'module example.com/d1\n\ngo 1.17\n\nrequire example.com/d0 v1.2.0\n',
    },
  });
  return cases;
}
