/**
 * The `<?xml version="…" encoding="…"?>` declaration, checked as Go's encoding/xml does
 * (xml.go procInst handling in RawToken) with cmd/go's CharsetReader (vcs/discovery.go
 * `charsetReader`), which accepts only UTF-8 and ASCII (ASCII read as UTF-8).
 */

/** Why the declaration's content stops the page being read (Go's message), or undefined. */
export function xmlDeclarationProblem(content: string): string | undefined {
  const ver = procInstParam('version', content);
  if (ver !== '' && ver !== '1.0') {
    return `xml: unsupported version ${JSON.stringify(ver)}; only version 1.0 is supported`;
  }
  const enc = procInstParam('encoding', content);
  if (enc !== '' && enc.toLowerCase() !== 'utf-8' && enc.toLowerCase() !== 'ascii') {
    return `xml: opening charset ${JSON.stringify(enc)}: can't decode XML document using charset ${JSON.stringify(enc)}`;
  }
  return undefined;
}

/** The quoted value of `param=` in a processing instruction (Go's procInst: first occurrence). */
function procInstParam(param: string, s: string): string {
  const i = s.indexOf(`${param}=`);
  if (i < 0) return '';
  const v = s.slice(i + param.length + 1);
  const q = v[0];
  if (q !== "'" && q !== '"') return '';
  const end = v.indexOf(q, 1);
  return end < 0 ? '' : v.slice(1, end);
}
