/**
 * Percent-encodes one URL path segment the way Go's url.PathEscape does, which is how the go
 * command writes GOPROXY request paths (modfetch/proxy.go pathEscape): unreserved characters
 * and `$&+:=@` stay, everything else (including `!`, `/`, `;`, `,`, `?`) is %XX-encoded
 * byte-wise over UTF-8.
 */
export function goPathEscape(segment: string): string {
  // Nearly every segment (escaped module paths and versions) needs no escaping at all.
  if (UNRESERVED.test(segment)) return segment;
  let out = '';
  for (const byte of Buffer.from(segment, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~$&+:=@]/.test(c)) out += c;
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** A segment made only of what url.PathEscape leaves as it is. */
const UNRESERVED = /^[A-Za-z0-9\-_.~$&+:=@]*$/;

/** Escapes every segment of a slash-separated path, keeping the slashes. */
export function goPathEscapeAll(path: string): string {
  return path.split('/').map(goPathEscape).join('/');
}
