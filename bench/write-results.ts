import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
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

/**
 * The machine a run measured on, as every results file records it: CPUs, the load average
 * before and after (these machines are shared: a busy neighbour shows here), Node's version,
 * and `tools` (versions of the anchors and load generators that run used).
 */
export function machineInfo(
  loadavgBefore: number[],
  loadavgAfter: number[],
  tools: Record<string, string> = {},
): Record<string, unknown> {
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    loadavgBefore,
    loadavgAfter,
    node: process.version,
    ...tools,
  };
}
