/**
 * The go.mod the go command synthesizes for a module version that has none (cmd/go
 * modfetch.LegacyGoMod): exactly `module <path>\n` — no `go` directive, no requirements. The
 * checksum database holds the hash of exactly these bytes, so they must not vary.
 */
import { goQuote } from '../../module/index.js';

export function legacyGoMod(modulePath: string): Buffer {
  return Buffer.from(`module ${autoQuote(modulePath)}\n`, 'utf8');
}

/** modfile.AutoQuote: `s`, or its Go quotation when go.mod syntax needs one. */
export function autoQuote(s: string): string {
  return mustQuote(s) ? goQuote(s) : s;
}

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** modfile.MustQuote. */
export function mustQuote(s: string): boolean {
  const long = [...s].length > 1;
  for (const ch of s) {
    if (ch === ' ' || ch === '"' || ch === "'" || ch === '`') return true;
    if ('()[]{},'.includes(ch)) {
      if (long) return true;
    } else if (!printable.test(ch)) {
      return true;
    }
  }
  return s === '' || s.includes('//') || s.includes('/*');
}
