import { FixtureProxy } from '../test/support/fixture-proxy.js';
import type { BenchTree } from './bench-tree.js';
import { fetchAll, type FetchAllResult } from './fetch-all.js';
import { startModgate } from './servers.js';

/**
 * Fills `dataDir` the way production does: a modgate process in front of a fixture upstream
 * (test/support/fixture-proxy.ts) that serves the benchmark's modules, and one GET of every
 * path through it, so every file is fetched, verified and stored by modgate's real path.
 * Every answer must be a miss (nothing was there before).
 */
export async function warmUp(
  tree: BenchTree,
  dataDir: string,
  core: number | undefined,
): Promise<FetchAllResult & { fixtureSeconds: number; warmSeconds: number }> {
  let t = Date.now();
  const fixture = await FixtureProxy.create(tree.modules);
  const fixtureSeconds = (Date.now() - t) / 1000;
  try {
    const modgate = await startModgate({ dataDir, upstream: fixture.url, accessLog: null, core });
    try {
      t = Date.now();
      const fetched = await fetchAll(modgate.url, tree.allPaths);
      if (fetched.cache.miss !== tree.allPaths.length) {
        throw new Error(`warm-up: expected only misses, got ${JSON.stringify(fetched.cache)}`);
      }
      return { ...fetched, fixtureSeconds, warmSeconds: (Date.now() - t) / 1000 };
    } finally {
      await modgate.stop();
    }
  } finally {
    await fixture.close();
  }
}
