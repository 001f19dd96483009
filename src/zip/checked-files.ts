/**
 * The report every check produces (x/mod/zip CheckedFiles): each input file lands in exactly
 * one of `valid`, `omitted` (silently left out of a zip: vendored, nested module, symlink…)
 * or `invalid` (makes the whole zip unusable), plus an overall size error. Reasons are Go's
 * exact strings, so reports can be compared with x/mod's test vectors.
 */

/** One file and why it was omitted or is invalid (Go's FileError: `path: reason`). */
export interface FileProblem {
  readonly path: string;
  readonly reason: string;
}

export interface CheckedFiles {
  /** Paths that belong in the zip, in input order. */
  readonly valid: string[];
  readonly omitted: FileProblem[];
  readonly invalid: FileProblem[];
  /** Set when the valid files (or the zip file itself) exceed a size limit. */
  sizeError: string | undefined;
}

export function emptyCheckedFiles(): CheckedFiles {
  return { valid: [], omitted: [], invalid: [], sizeError: undefined };
}

/**
 * Go's `CheckedFiles.Err()` text, or undefined if the report describes a valid zip: the size
 * error if any, else every invalid file as `path: reason`, one per line.
 */
export function checkedFilesError(cf: CheckedFiles): string | undefined {
  if (cf.sizeError !== undefined) return cf.sizeError;
  if (cf.invalid.length > 0) return cf.invalid.map((e) => `${e.path}: ${e.reason}`).join('\n');
  return undefined;
}

/** The text format of x/mod's zip tests (`want` sections): valid, omitted, invalid lists. */
export function formatCheckedFiles(cf: CheckedFiles): string {
  let s = 'valid:\n';
  for (const p of cf.valid) s += `${p}\n`;
  s += '\nomitted:\n';
  for (const e of cf.omitted) s += `${e.path}: ${e.reason}\n`;
  s += '\ninvalid:\n';
  for (const e of cf.invalid) s += `${e.path}: ${e.reason}\n`;
  return s;
}
