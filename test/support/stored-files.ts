import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STORE_TIME_PREFIX } from '../../src/service/store-time-log.js';
import { listFiles } from './list-files.js';

/**
 * The data directory holds nothing but good copies: every file in it (outside modgate's own
 * dot-directories such as .spool and .staging, and its store-time record under `index/`, which
 * is no module path) is byte-for-byte the fixture tree's file at the same path, and none of
 * `absent` (tree paths of refused files) is there. Returns the stored module paths.
 */
export async function assertStoredAsFixture(
  dataDir: string,
  fixtureRoot: string,
  absent: readonly string[] = [],
): Promise<string[]> {
  const stored = (await listFiles(dataDir)).filter((rel) => !rel.startsWith(STORE_TIME_PREFIX));
  for (const rel of stored) {
    const [have, want] = await Promise.all([
      readFile(join(dataDir, rel)),
      readFile(join(fixtureRoot, rel)).catch(() => undefined),
    ]);
    assert.ok(want !== undefined, `stored ${rel}, which the fixture does not have`);
    assert.ok(
      have.equals(want),
      `stored ${rel} (${have.length} bytes) differs from the fixture's (${want.length} bytes)`,
    );
  }
  for (const rel of absent) assert.ok(!stored.includes(rel), `refused file ${rel} was stored`);
  return stored;
}

/**
 * Waits until every one of `paths` is in the data directory (at most `timeoutMs`, then fails
 * naming the missing ones). Verified files are stored behind their answers (the stash answers
 * first, then links, fdatasyncs and renames), so a client can finish a download a few
 * milliseconds before the file is there; an assertion about storage made right after a
 * response must wait for it.
 */
export async function waitForStored(
  dataDir: string,
  paths: readonly string[],
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = new Set(await listFiles(dataDir));
    const missing = paths.filter((p) => !stored.has(p));
    if (missing.length === 0) return;
    assert.ok(Date.now() < deadline, `not stored after ${timeoutMs} ms: ${missing.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
