/**
 * The `@v/list` body of the GOPROXY protocol (https://go.dev/ref/mod#goproxy-protocol): the
 * known tagged versions, one per line. The go command (modfetch/proxy.go `Versions`) reads
 * the first space-separated field of each line and ignores lines whose first field is not a
 * valid semantic version, so a line may carry extra fields; modgate keeps lines as they are.
 *
 * This file is the one owner of that format: `formatVersionList` writes it, `parseVersionList`
 * reads an upstream's answer.
 */
import { isValid } from '../semver/index.js';

/** The body of an `@v/list` answer: every line followed by `\n` (an empty list is empty). */
export function formatVersionList(lines: readonly string[]): Buffer {
  return Buffer.from(lines.map((line) => line + '\n').join(''));
}

/**
 * The lines of an `@v/list` body: trimmed, blank lines dropped, order kept. Returns undefined
 * when the body has lines but none starts with a valid version — then it is something else
 * (an HTML page answered with 200), which the caller refuses rather than stores.
 */
export function parseVersionList(body: Buffer): string[] | undefined {
  const lines = body
    .toString('utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length > 0 && !lines.some((line) => isValid(line.split(/\s/)[0] ?? ''))) {
    return undefined;
  }
  return lines;
}
