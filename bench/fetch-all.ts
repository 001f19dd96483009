import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What fetching a set of paths from one server found. */
export interface FetchAllResult {
  requests: number;
  bytes: number;
  /** `X-Modgate-Cache` values seen (modgate only), with counts. */
  cache: Record<string, number>;
}

/**
 * GETs every path of `paths` from `baseUrl` (`concurrency` at a time), reading each body in
 * full; fails on the first status other than 200, or, when `dataDir` is given, on a body whose
 * length differs from the file's size there (the servers must serve the same tree).
 */
export async function fetchAll(
  baseUrl: string,
  paths: readonly string[],
  opts: { concurrency?: number; dataDir?: string } = {},
): Promise<FetchAllResult> {
  const result: FetchAllResult = { requests: 0, bytes: 0, cache: {} };
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < paths.length; i = next++) {
      const path = paths[i] ?? '';
      const res = await fetch(baseUrl + path);
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) {
        throw new Error(`GET ${baseUrl}${path}: ${res.status} ${body.toString().slice(0, 300)}`);
      }
      if (opts.dataDir !== undefined) {
        const size = (await stat(join(opts.dataDir, path))).size;
        if (size !== body.length) {
          throw new Error(`GET ${baseUrl}${path}: ${body.length} bytes, the file has ${size}`);
        }
      }
      const cache = res.headers.get('x-modgate-cache');
      if (cache !== null) result.cache[cache] = (result.cache[cache] ?? 0) + 1;
      result.requests++;
      result.bytes += body.length;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  return result;
}
