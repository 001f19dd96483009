/**
 * Go's `path.Clean` for slash-separated paths. Module zip rules demand `clean(p) === p` for
 * every file path, which rejects `a//b`, `./a`, `a/../b`, trailing slashes and the like.
 * Node's `path.posix.normalize` differs (it keeps trailing slashes), hence this port.
 */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const elem of p.split('/')) {
    if (elem === '' || elem === '.') continue;
    if (elem === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(elem);
  }
  const joined = (rooted ? '/' : '') + out.join('/');
  return joined === '' ? '.' : joined;
}

/** Go's `path.Dir` for a clean relative path: everything before the last `/`, or `.`. */
export function parentDir(cleanRelPath: string): string {
  const i = cleanRelPath.lastIndexOf('/');
  return i < 0 ? '.' : cleanRelPath.slice(0, i);
}
