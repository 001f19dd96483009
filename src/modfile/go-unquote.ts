/**
 * Go's strconv.Unquote for the two string forms a go.mod may contain: interpreted `"…"`
 * strings (with Go's escapes) and raw `` `…` `` strings. Returns undefined where Go returns
 * an error. `\x` and octal escapes produce bytes; the result is decoded as UTF-8.
 */
export function goUnquote(s: string): string | undefined {
  if (s.length < 2) return undefined;
  const quote = s[0];
  if (quote !== s[s.length - 1]) return undefined;
  const body = s.slice(1, -1);
  if (quote === '`') {
    if (body.includes('`')) return undefined;
    return body.replaceAll('\r', '');
  }
  if (quote !== '"') return undefined;
  if (body.includes('\n')) return undefined;
  const bytes: number[] = [];
  const pushString = (str: string): void => {
    for (const b of Buffer.from(str, 'utf8')) bytes.push(b);
  };
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!;
    if (ch === '"') return undefined;
    if (ch !== '\\') {
      const cp = body.codePointAt(i)!;
      const c = String.fromCodePoint(cp);
      pushString(c);
      i += c.length;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    const simple = simpleEscapes[e ?? ''];
    if (simple !== undefined) {
      bytes.push(simple);
      continue;
    }
    if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i, i + n);
      if (!new RegExp(`^[0-9A-Fa-f]{${n}}$`).test(hex)) return undefined;
      i += n;
      const v = parseInt(hex, 16);
      if (e === 'x') {
        bytes.push(v);
      } else {
        if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return undefined;
        pushString(String.fromCodePoint(v));
      }
      continue;
    }
    if (e !== undefined && e >= '0' && e <= '7') {
      const oct = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(oct)) return undefined;
      const v = parseInt(oct, 8);
      if (v > 255) return undefined;
      bytes.push(v);
      i += 2;
      continue;
    }
    return undefined; // unknown escape, including \' inside "…"
  }
  return Buffer.from(bytes).toString('utf8');
}

const simpleEscapes: Readonly<Record<string, number>> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
  '"': 0x22,
};

/** Go's strings.TrimSpace: Unicode White_Space at both ends (not the BOM, unlike trim()). */
export function goTrimSpace(s: string): string {
  return s.replace(goSpaceRun('^'), '').replace(goSpaceRun('$'), '');
}

function goSpaceRun(anchor: '^' | '$'): RegExp {
  const space =
    '[\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+';
  return new RegExp(anchor === '^' ? '^' + space : space + '$');
}
