/**
 * A port of Go's `path.Match` (shell patterns over slash-separated paths), which
 * GOPRIVATE-style pattern lists use:
 *
 *   `*`        any run of non-`/` characters
 *   `?`        one non-`/` character
 *   `[...]`    a character class, `[^...]` negated; ranges `a-z`; `\` escapes inside too
 *   `\c`       the character c literally
 *
 * Matching is over whole code points, as Go's is over runes. Like Go, a malformed pattern is
 * reported only when the matcher reaches the bad part — or, on a mismatch, when it checks
 * the rest of the pattern — so `matched: false, badPattern: true` is the result for
 * `Match("a[", "x")`.
 */

export interface PathMatchResult {
  readonly matched: boolean;
  /** Go's ErrBadPattern ("syntax error in pattern"); `matched` is then false. */
  readonly badPattern: boolean;
}

const BAD: PathMatchResult = { matched: false, badPattern: true };

/** Whether `name` matches shell pattern `pattern` (Go path.Match). */
export function pathMatch(pattern: string, name: string): PathMatchResult {
  let pat = Array.from(pattern);
  let s = Array.from(name);
  patternLoop: while (pat.length > 0) {
    const scanned = scanChunk(pat);
    const { star, chunk } = scanned;
    pat = scanned.rest;
    if (star && chunk.length === 0) {
      // A trailing star matches the rest of the name unless it crosses a slash.
      return { matched: !s.includes('/'), badPattern: false };
    }
    const first = matchChunk(chunk, s);
    if (first.ok && (first.rest.length === 0 || pat.length > 0)) {
      s = first.rest;
      continue;
    }
    if (first.bad) return BAD;
    if (star) {
      // Try skipping ever longer runs of non-slash characters.
      for (let i = 0; i < s.length && s[i] !== '/'; i++) {
        const next = matchChunk(chunk, s.slice(i + 1));
        if (next.ok) {
          if (pat.length === 0 && next.rest.length > 0) continue;
          s = next.rest;
          continue patternLoop;
        }
        if (next.bad) return BAD;
      }
    }
    // No match: Go still validates the remaining pattern so errors are reported.
    while (pat.length > 0) {
      const rest = scanChunk(pat);
      pat = rest.rest;
      if (matchChunk(rest.chunk, []).bad) return BAD;
    }
    return { matched: false, badPattern: false };
  }
  return { matched: s.length === 0, badPattern: false };
}

/** Splits off leading stars and the chunk up to the next star outside a class. */
function scanChunk(pattern: string[]): { star: boolean; chunk: string[]; rest: string[] } {
  let start = 0;
  while (start < pattern.length && pattern[start] === '*') start++;
  const star = start > 0;
  let inRange = false;
  let i = start;
  scan: for (; i < pattern.length; i++) {
    switch (pattern[i]) {
      case '\\':
        if (i + 1 < pattern.length) i++;
        break;
      case '[':
        inRange = true;
        break;
      case ']':
        inRange = false;
        break;
      case '*':
        if (!inRange) break scan;
        break;
    }
  }
  return { star, chunk: pattern.slice(start, i), rest: pattern.slice(i) };
}

interface ChunkResult {
  readonly ok: boolean;
  readonly bad: boolean;
  readonly rest: string[];
}

/**
 * Matches a star-free chunk against the start of `s`. Once the match has failed, the rest of
 * the chunk is still parsed so that syntax errors are found (as in Go).
 */
function matchChunk(chunk: string[], input: string[]): ChunkResult {
  const bad: ChunkResult = { ok: false, bad: true, rest: [] };
  let s = input;
  let c = 0;
  let failed = false;
  while (c < chunk.length) {
    if (!failed && s.length === 0) failed = true;
    const head = chunk[c];
    if (head === '[') {
      let r = -1;
      if (!failed) {
        r = s[0]?.codePointAt(0) ?? -1;
        s = s.slice(1);
      }
      c++;
      let negated = false;
      if (chunk[c] === '^') {
        negated = true;
        c++;
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (chunk[c] === ']' && nrange > 0) {
          c++;
          break;
        }
        const lo = getEsc(chunk, c);
        if (lo === undefined) return bad;
        c = lo.next;
        let hi = lo;
        if (chunk[c] === '-') {
          const h = getEsc(chunk, c + 1);
          if (h === undefined) return bad;
          hi = h;
          c = h.next;
        }
        if (lo.rune <= r && r <= hi.rune) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (head === '?') {
      if (!failed) {
        if (s[0] === '/') failed = true;
        s = s.slice(1);
      }
      c++;
    } else {
      if (head === '\\') {
        c++;
        if (c >= chunk.length) return bad;
      }
      if (!failed) {
        if (chunk[c] !== s[0]) failed = true;
        s = s.slice(1);
      }
      c++;
    }
  }
  return failed ? { ok: false, bad: false, rest: [] } : { ok: true, bad: false, rest: s };
}

/**
 * Reads one (possibly escaped) class character at `c`. Undefined (bad pattern) for `-` or
 * `]` in that position, a dangling `\`, or a class that ends with the pattern.
 */
function getEsc(chunk: string[], start: number): { rune: number; next: number } | undefined {
  let c = start;
  if (c >= chunk.length || chunk[c] === '-' || chunk[c] === ']') return undefined;
  if (chunk[c] === '\\') {
    c++;
    if (c >= chunk.length) return undefined;
  }
  const rune = chunk[c]?.codePointAt(0) ?? -1;
  c++;
  if (c >= chunk.length) return undefined;
  return { rune, next: c };
}
