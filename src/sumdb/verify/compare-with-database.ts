/** What the checksum database says about one file of a module version. */
export type DatabaseVerdict =
  | { readonly result: 'match' }
  | { readonly result: 'mismatch'; readonly expected: string }
  /** The record has no `h1:` line for this file: the go command lets it pass. */
  | { readonly result: 'unlisted' };

/**
 * Compares modgate's `h1:` for a module version's zip (`file` = `zip`) or go.mod with the
 * go.sum lines the database returned for that version, exactly as the go command's
 * checkSumDB (cmd/go/internal/modfetch/fetch.go) does: the line `<path> <version>[/go.mod]
 * <hash>` among them is a match; another line with the prefix `<path> <version>[/go.mod] h1:`
 * is a mismatch (the first such line's hash is the expected one); no such line at all passes.
 */
export function compareWithDatabase(
  lines: readonly string[],
  modulePath: string,
  version: string,
  file: 'zip' | 'mod',
  hash: string,
): DatabaseVerdict {
  const name = file === 'mod' ? `${version}/go.mod` : version;
  const have = `${modulePath} ${name} ${hash}`;
  const prefix = `${modulePath} ${name} h1:`;
  for (const line of lines) {
    if (line === have) return { result: 'match' };
    if (line.startsWith(prefix)) {
      return { result: 'mismatch', expected: line.slice(prefix.length - 'h1:'.length) };
    }
  }
  return { result: 'unlisted' };
}
