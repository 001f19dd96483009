/**
 * module.MatchPrefixPatterns: the matcher behind GOPRIVATE, GONOPROXY, GONOSUMDB and
 * GOINSECURE (https://go.dev/ref/mod#private-modules).
 *
 * `globs` is a comma-separated list of path.Match patterns. Each pattern is matched against
 * the leading path elements of `target` — as many elements as the pattern has — so
 * `*.corp.example.com` matches `git.corp.example.com/team/repo` and `rsc.io` matches
 * `rsc.io/quote/v3`. One trailing `/` on a pattern is ignored; empty patterns are skipped;
 * a malformed pattern never matches.
 */
import { pathMatch } from './path-match.js';

/** Whether any pattern in the comma-separated `globs` matches a prefix of `target`. */
export function matchPrefixPatterns(globs: string, target: string): boolean {
  for (let glob of globs.split(',')) {
    if (glob.endsWith('/')) glob = glob.slice(0, -1);
    if (glob === '') continue;
    const n = countSlashes(glob);
    const elems = target.split('/');
    if (elems.length < n + 1) continue;
    const prefix = elems.slice(0, n + 1).join('/');
    if (pathMatch(glob, prefix).matched) return true;
  }
  return false;
}

function countSlashes(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === '/') n++;
  return n;
}
