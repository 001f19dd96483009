import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/**
 * The repository root and the benchmark's source folder (for wrk-report.lua and the Go load
 * generator, which the TypeScript build does not copy). This file runs from dist/bench/.
 */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const benchDir = join(repoRoot, 'bench');
