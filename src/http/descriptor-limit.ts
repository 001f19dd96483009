import { readFileSync } from 'node:fs';

/**
 * The process's soft limit on open file descriptors (`ulimit -n`) as Linux reports it in
 * /proc/self/limits, or undefined where that file is missing or says `unlimited`. Node raises
 * the soft limit to the hard one at start-up, so this is the number that really binds.
 */
export function softDescriptorLimit(): number | undefined {
  try {
    return parseOpenFilesLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
}

/** The soft "Max open files" of a /proc/<pid>/limits text. */
export function parseOpenFilesLimit(text: string): number | undefined {
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  if (!m || m[1] === 'unlimited') return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
