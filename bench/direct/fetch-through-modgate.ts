import { escapePath, escapeVersion } from '../../src/module/index.js';
import type { BenchTarget } from './bench-repos.js';

/** What modgate answered for one target: the resolved version, go.mod and zip bytes. */
export interface FetchedVersion {
  path: string;
  query: string;
  version: string;
  mod: Buffer;
  zip: Buffer;
}

export interface FetchResult {
  ms: number;
  versions: FetchedVersion[];
  lists: Map<string, string[]>;
  requests: number;
}

/**
 * Fetches every target through a GOPROXY server the way the go command does for `go mod
 * download path@query`: `.info` of the query (the resolved version), then `.mod` and `.zip` of
 * that version; plus `@v/list` of every module. Targets run `concurrency` at a time (the go
 * command uses GOMAXPROCS workers); each target's requests are sequential. Bodies are read in
 * full into memory (hashing happens afterwards, outside the timed part). Any non-200 fails.
 */
export async function fetchThroughModgate(
  base: string,
  targets: readonly BenchTarget[],
  modules: readonly string[],
  concurrency: number,
): Promise<FetchResult> {
  let requests = 0;
  const get = async (path: string): Promise<Buffer> => {
    requests++;
    const res = await fetch(`${base}/${path}`);
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) {
      throw new Error(`GET /${path}: ${res.status} ${body.toString('utf8').slice(0, 500)}`);
    }
    return body;
  };
  type Job = () => Promise<void>;
  const versions: FetchedVersion[] = [];
  const lists = new Map<string, string[]>();
  const jobs: Job[] = [
    ...targets.map((t) => async () => {
      const prefix = `${escapePath(t.path)}/@v/`;
      const info = JSON.parse(
        (await get(`${prefix}${escapeVersion(t.query)}.info`)).toString('utf8'),
      ) as { Version: string };
      const v = escapeVersion(info.Version);
      const mod = await get(`${prefix}${v}.mod`);
      const zip = await get(`${prefix}${v}.zip`);
      versions.push({ path: t.path, query: t.query, version: info.Version, mod, zip });
    }),
    ...modules.map((m) => async () => {
      const body = await get(`${escapePath(m)}/@v/list`);
      lists.set(m, body.toString('utf8').split('\n').filter(Boolean).sort());
    }),
  ];
  const start = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++];
      if (job !== undefined) await job();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { ms: performance.now() - start, versions, lists, requests };
}
