import type { BenchTree } from './bench-tree.js';
import { fetchAll, type FetchAllResult } from './fetch-all.js';
import { startModgate } from './servers.js';

/**
 * Fills `dataDir` the way production does: a modgate process (default configuration, access
 * log off) in front of `upstreamUrl` (the fixture upstream serving the benchmark's modules),
 * and one GET of every path through it, so every file is fetched, verified and stored by
 * modgate's real path. Every answer must be a miss (nothing was there before).
 */
export async function warmUp(
  tree: BenchTree,
  upstreamUrl: string,
  dataDir: string,
  core: number | undefined,
): Promise<FetchAllResult & { warmSeconds: number }> {
  const modgate = await startModgate({ dataDir, upstream: upstreamUrl, accessLog: null, core });
  try {
    const t = Date.now();
    const fetched = await fetchAll(modgate.url, tree.allPaths);
    if (fetched.cache.miss !== tree.allPaths.length) {
      throw new Error(`warm-up: expected only misses, got ${JSON.stringify(fetched.cache)}`);
    }
    return { ...fetched, warmSeconds: (Date.now() - t) / 1000 };
  } finally {
    await modgate.stop();
  }
}
