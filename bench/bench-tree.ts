import { randomBytes } from 'node:crypto';
import { escapePath, type FixtureModule } from '../test/support/fixture-proxy.js';

export interface BenchTreeOptions {
  /** Number of small modules. */
  modules: number;
  /** Versions in all, spread over the small modules (some get one more than others). */
  versions: number;
  /** Largest zip of the mixed load, bytes of incompressible content (zips ≤ ~256 KB). */
  maxZipBytes: number;
  /** Bytes of incompressible data in the big module. */
  bigBytes: number;
  /** Length of the request sequence of the mixed load. */
  sequenceLength: number;
}

/** The request mix of issue 9: 45 % `.info`, 25 % `.mod`, 20 % `@v/list`, 10 % zips. */
export const MIX = { info: 0.45, mod: 0.25, list: 0.2, zip: 0.1 } as const;

/** The module set of the benchmark and the request paths it is measured with. */
export interface BenchTree {
  modules: FixtureModule[];
  /** Every distinct URL of the mixed load (each module's list, each version's .info/.mod/.zip). */
  distinctPaths: string[];
  /**
   * The mixed small-file load: `sequenceLength` requests over `distinctPaths` in the
   * proportions of MIX (each category cycles through its URLs), in a fixed shuffled order
   * (the same for every server and every run).
   */
  mixedPaths: string[];
  /** The ~100 MB zip. */
  bigZipPath: string;
  /** Every path the warm-up fetches through modgate (distinct mixed paths and the big zip). */
  allPaths: string[];
}

const BIG_MODULE = 'bench.example/big';

/**
 * Builds the benchmark's modules: `modules` small ones (`bench.example/m000`, …; every tenth
 * under an upper-case element, `bench.example/Org/m010`, so `!`-escaped paths are part of the
 * mix) with `versions` versions in all, whose zips hold a go.mod, a small Go file and a blob of
 * pseudo-random bytes whose size is log-uniform between 1 KB and `maxZipBytes` (so zips range
 * from ~1.5 KB to ~256 KB), and one big module whose zip holds `bigBytes` of random
 * (incompressible) data. Everything but the big blob is deterministic.
 */
export function benchTree(opts: BenchTreeOptions): BenchTree {
  const rand = prng(0x6d6f6467);
  const modules: FixtureModule[] = [];
  const byExt: Record<keyof typeof MIX, string[]> = { info: [], mod: [], list: [], zip: [] };
  for (let m = 0; m < opts.modules; m++) {
    const name = `m${String(m).padStart(3, '0')}`;
    const path = m % 10 === 0 ? `bench.example/Org/${name}` : `bench.example/${name}`;
    const escaped = escapePath(path);
    byExt.list.push(`/${escaped}/@v/list`);
    const count =
      Math.floor(opts.versions / opts.modules) + (m < opts.versions % opts.modules ? 1 : 0);
    for (let v = 0; v < count; v++) {
      const version = `v1.${v}.0`;
      const blobBytes = Math.round(1024 * (opts.maxZipBytes / 1024) ** rand());
      modules.push({
        path,
        version,
        time: `2024-01-${String(1 + v).padStart(2, '0')}T10:00:00Z`,
        files: {
          'go.mod': `module ${path}\n\ngo 1.19\n`,
          [`${name}.go`]: `// Package ${name} is benchmark filler (${version}).\npackage ${name}\n`,
          'blob.bin': pseudoRandomBytes(blobBytes, rand),
          LICENSE: 'Apache-2.0\n',
        },
      });
      byExt.info.push(`/${escaped}/@v/${version}.info`);
      byExt.mod.push(`/${escaped}/@v/${version}.mod`);
      byExt.zip.push(`/${escaped}/@v/${version}.zip`);
    }
  }
  const distinctPaths = [...byExt.list, ...byExt.info, ...byExt.mod, ...byExt.zip];
  const mixedPaths: string[] = [];
  for (const ext of Object.keys(MIX) as (keyof typeof MIX)[]) {
    const urls = [...byExt[ext]];
    shuffle(urls, rand);
    const n = Math.round(opts.sequenceLength * MIX[ext]);
    for (let i = 0; i < n; i++) mixedPaths.push(urls[i % urls.length] ?? '');
  }
  shuffle(mixedPaths, rand);
  modules.push({
    path: BIG_MODULE,
    version: 'v1.0.0',
    files: { 'go.mod': `module ${BIG_MODULE}\n`, 'blob.bin': randomBytes(opts.bigBytes) },
  });
  const bigZipPath = `/${escapePath(BIG_MODULE)}/@v/v1.0.0.zip`;
  return {
    modules,
    distinctPaths,
    mixedPaths,
    bigZipPath,
    allPaths: [...distinctPaths, bigZipPath],
  };
}

/** `n` bytes from the seeded generator (incompressible, repeatable). */
export function pseudoRandomBytes(n: number, rand: () => number): Buffer {
  const buf = Buffer.alloc(n);
  for (let i = 0; i + 4 <= n; i += 4) buf.writeUInt32LE(Math.floor(rand() * 0x1_0000_0000), i);
  for (let i = n - (n % 4); i < n; i++) buf[i] = Math.floor(rand() * 256);
  return buf;
}

/** mulberry32: a small seeded generator, so the tree and the request order repeat. */
export function prng(seed: number): () => number {
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
