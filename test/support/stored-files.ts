import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles } from './list-files.js';

/**
 * The data directory holds nothing but good copies: every file in it (outside modgate's own
 * dot-directories such as .spool and .staging) is byte-for-byte the fixture tree's file at the
 * same path, and none of `absent` (tree paths of refused files) is there. Returns the stored
 * paths.
 */
export async function assertStoredAsFixture(
  dataDir: string,
  fixtureRoot: string,
  absent: readonly string[] = [],
): Promise<string[]> {
  const stored = await listFiles(dataDir);
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
