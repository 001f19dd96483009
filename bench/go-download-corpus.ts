import type { FixtureModule } from '../test/support/fixture-proxy.js';
import { prng, pseudoRandomBytes } from './bench-tree.js';

/**
 * The `go mod download` benches' corpus (go-download.ts, experiments/cold-misses.ts):
 * `count` modules `<host>/dNNN` v1.0.0 (every tenth under an upper-case element), each with a
 * go.mod, a Go file and a blob of pseudo-random (incompressible) bytes whose size grows from
 * `minBytes` to `maxBytes` as min · (max/min)^((i/(n-1))^5): many small modules and a few large
 * ones (about 36 MB in all for 100 modules, 4 KiB to 10 MiB). Deterministic.
 */
export function goDownloadCorpus(
  count: number,
  minBytes: number,
  maxBytes: number,
  host = 'gobench.example',
): FixtureModule[] {
  const rand = prng(0x676f646c);
  const modules: FixtureModule[] = [];
  for (let i = 0; i < count; i++) {
    const name = `d${String(i).padStart(3, '0')}`;
    const path = i % 10 === 0 ? `${host}/Org/${name}` : `${host}/${name}`;
    const x = count === 1 ? 1 : i / (count - 1);
    const size = Math.round(minBytes * (maxBytes / minBytes) ** (x ** 5));
    modules.push({
      path,
      version: 'v1.0.0',
      time: '2024-03-01T10:00:00Z',
      files: {
        'go.mod': `module ${path}\n\ngo 1.19\n`,
        [`${name}.go`]: `// Package ${name} is benchmark filler.\npackage ${name}\n`,
        'blob.bin': pseudoRandomBytes(size, rand),
      },
    });
  }
  return modules;
}
