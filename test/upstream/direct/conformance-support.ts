/**
 * Pieces shared by the conformance suites that compare DirectUpstream with the real go command
 * in `GOPROXY=direct` mode: the shapes of the go command's JSON answers, a reader for its
 * concatenated `-json` output, and the h1 of a zip DirectUpstream builds.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DirectUpstream } from '../../../src/upstream/direct/direct-upstream.js';
import { hashZipFile } from '../../../src/zip/index.js';

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
