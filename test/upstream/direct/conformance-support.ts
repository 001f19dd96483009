/**
 * Pieces shared by the conformance suites that compare DirectUpstream with the real go command
 * in `GOPROXY=direct` mode: the shapes of the go command's JSON answers, a reader for its
 * concatenated `-json` output, running the go command once for every case, the h1 of a zip
 * DirectUpstream builds, and the comparison of one resolved version.
 */
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DirectUpstream } from '../../../src/upstream/direct/direct-upstream.js';
import { hashGoMod } from '../../../src/zip/index.js';
import { hashZipFile } from '../../../src/zip/files/index.js';
import type { GoSandbox } from '../../support/go-sandbox.js';

/** An `.info` file. */
export interface GoInfo {
  Version: string;
  Time: string;
  Origin?: { VCS?: string; URL?: string; Subdir?: string; Ref?: string; Hash?: string };
}

/** One object of `go mod download -json` output. */
export interface GoDownload {
  Path: string;
  Version: string;
  Query?: string;
  Error?: string;
  Info?: string;
  GoMod?: string;
  Sum?: string;
  GoModSum?: string;
}

/** Concatenated pretty-printed JSON objects (the go command's -json output). */
export function parseJsonStream<T>(text: string): T[] {
  const out: T[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === '{') {
      if (depth++ === 0) start = i;
    } else if (ch === '}') {
      if (--depth === 0) out.push(JSON.parse(text.slice(start, i + 1)) as T);
    }
  }
  return out;
}

/** The h1 of DirectUpstream's zip for a version (spooled to a file in `scratch`, hashed). */
export async function zipSum(
  upstream: DirectUpstream,
  scratch: string,
  path: string,
  version: string,
): Promise<string> {
  const { stream } = await upstream.zip(path, version, {});
  const file = join(scratch, `${Math.random().toString(36).slice(2)}.zip`);
  await pipeline(stream, createWriteStream(file));
  try {
    return await hashZipFile(file);
  } finally {
    await rm(file, { force: true });
  }
}

/**
 * The go command's answers for every case, from one `go mod download -json` over `targets`
 * (`path@query`) and one `go list -m -versions -retracted -json` over `listQueries`
 * (path → query), both in `GOPROXY=direct` mode: downloads by `path@query`, lists by path.
 */
export async function goDirectAnswers(
  go: GoSandbox,
  env: Record<string, string>,
  targets: readonly string[],
  listQueries: Record<string, string>,
): Promise<{ downloads: Map<string, GoDownload>; lists: Map<string, string[]> }> {
  const work = await go.newModule('example.com/main');
  const opts = { proxy: 'direct', cwd: work, env };
  const dl = await go.run(['mod', 'download', '-json', ...targets], opts);
  const downloads = new Map<string, GoDownload>();
  for (const d of parseJsonStream<GoDownload>(dl.stdout)) {
    downloads.set(`${d.Path}@${d.Query ?? d.Version}`, d);
  }
  const listArgs = Object.entries(listQueries).map(([p, q]) => `${p}@${q}`);
  const ls = await go.run(['list', '-m', '-versions', '-retracted', '-json', ...listArgs], opts);
  const lists = new Map<string, string[]>();
  for (const m of parseJsonStream<{ Path: string; Versions?: string[] }>(ls.stdout)) {
    lists.set(m.Path, m.Versions ?? []);
  }
  assert.equal(lists.size, listArgs.length, `go list: ${ls.stderr}`);
  return { downloads, lists };
}

/**
 * Asserts that DirectUpstream resolves `path@query` as the go command did (`want`): version,
 * `.info` Time and the named Origin fields, `.mod` bytes, and the go.mod and zip `h1:` sums.
 */
export async function assertSameDownload(
  upstream: DirectUpstream,
  scratch: string,
  path: string,
  query: string,
  want: GoDownload,
  originFields: ReadonlyArray<'VCS' | 'URL' | 'Hash' | 'Subdir'>,
): Promise<void> {
  const info = await upstream.info(path, query, {});
  assert.equal(info.version, want.Version);
  const goInfo = JSON.parse(await readFile(want.Info!, 'utf8')) as GoInfo;
  assert.equal(info.time, goInfo.Time);
  const raw = JSON.parse(info.raw.toString()) as GoInfo;
  assert.deepEqual([raw.Version, raw.Time], [goInfo.Version, goInfo.Time]);
  assert.deepEqual(
    originFields.map((f) => raw.Origin?.[f]),
    originFields.map((f) => goInfo.Origin?.[f]),
  );
  const mod = await upstream.mod(path, info.version, {});
  assert.equal(mod.toString('latin1'), (await readFile(want.GoMod!)).toString('latin1'));
  assert.equal(hashGoMod(mod), want.GoModSum);
  assert.equal(await zipSum(upstream, scratch, path, info.version), want.Sum);
}
