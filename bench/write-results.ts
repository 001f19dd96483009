import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { repoRoot } from './paths.js';

/** Writes a run's results as JSON, formatted as the repository's prettier wants it. */
export async function writeResults(out: string, json: unknown): Promise<void> {
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(json, null, 2) + '\n');
  spawnSync(join(repoRoot, 'node_modules', '.bin', 'prettier'), [
    '--write',
    '--log-level',
    'warn',
    out,
  ]);
}
