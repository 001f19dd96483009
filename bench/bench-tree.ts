import { randomBytes } from 'node:crypto';
import { escapePath, type FixtureModule } from '../test/support/fixture-proxy.js';

export interface BenchTreeOptions {
  /** Number of small modules. */
  modules: number;
  /** Versions per small module. */
  versions: number;
  /** Bytes of incompressible data in the big module. */
  bigBytes: number;
}

/** The module set of the benchmark and the request paths it is measured with. */
export interface BenchTree {
  modules: FixtureModule[];
  /**
   * The mixed small-file load: every small module's `@v/list` and every version's `.info`,
   * `.mod` and `.zip`, in a fixed shuffled order (the same for every server and every run).
   */
  mixedPaths: string[];
  /** The ~100 MB zip. */
  bigZipPath: string;
  /** Every path the warm-up fetches through modgate (mixed paths and the big zip). */
  allPaths: string[];
}

const BIG_MODULE = 'bench.example/big';

/**
 * Builds the benchmark's modules: `modules` small ones (`bench.example/m000`, …; every tenth
 * under an upper-case element, `bench.example/Org/m010`, so `!`-escaped paths are part of the
 * mix) with `versions` versions each, whose zips hold a go.mod and ~4 KB of source (a few KB
 * compressed), and one big module whose zip holds `bigBytes` of random (incompressible) data.
 * Everything but the big blob is deterministic.
 */
export function benchTree(opts: BenchTreeOptions): BenchTree {
  const rand = prng(0x6d6f6467);
  const modules: FixtureModule[] = [];
  const mixedPaths: string[] = [];
  for (let m = 0; m < opts.modules; m++) {
    const name = `m${String(m).padStart(3, '0')}`;
    const path = m % 10 === 0 ? `bench.example/Org/${name}` : `bench.example/${name}`;
    const escaped = escapePath(path);
    mixedPaths.push(`/${escaped}/@v/list`);
    for (let v = 0; v < opts.versions; v++) {
      const version = `v1.${v}.0`;
      modules.push({
        path,
        version,
        time: `2024-01-${String(1 + v).padStart(2, '0')}T10:00:00Z`,
        files: {
          'go.mod': `module ${path}\n\ngo 1.19\n`,
          [`${name}.go`]: sourceFile(name, version, rand),
          LICENSE: 'Apache-2.0\n',
        },
      });
      for (const ext of ['info', 'mod', 'zip']) mixedPaths.push(`/${escaped}/@v/${version}.${ext}`);
    }
  }
  shuffle(mixedPaths, rand);
  modules.push({
    path: BIG_MODULE,
    version: 'v1.0.0',
    files: { 'go.mod': `module ${BIG_MODULE}\n`, 'blob.bin': randomBytes(opts.bigBytes) },
  });
  const bigZipPath = `/${escapePath(BIG_MODULE)}/@v/v1.0.0.zip`;
  return { modules, mixedPaths, bigZipPath, allPaths: [...mixedPaths, bigZipPath] };
}

/** A Go file of about 4 KB whose body is pseudo-random hex (compresses to about half). */
function sourceFile(name: string, version: string, rand: () => number): string {
  const lines = [`// Package ${name} is benchmark filler (${version}).`, `package ${name}`, ''];
  for (let i = 0; i < 60; i++) {
    let hex = '';
    for (let j = 0; j < 8; j++) hex += Math.floor(rand() * 0x1_0000_0000).toString(16);
    lines.push(`const C${i} = "${hex}"`);
  }
  return lines.join('\n') + '\n';
}

/** mulberry32: a small seeded generator, so the tree and the request order repeat. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

function shuffle<T>(items: T[], rand: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
}
