/**
 * x/mod/sumdb/dirhash HashDir and DirFiles: the `h1:` of a directory tree (an extracted
 * module, as in the module cache), naming each file `<prefix>/<slash-separated relpath>`.
 * Like Go's filepath.Walk, directories are walked in bytewise name order, symlinks are not
 * followed as directories but a symlink to a file is hashed as that file.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { hash1 } from '../dirhash.js';
import { cleanPath } from '../clean-path.js';

/** Every non-directory under `dir`, as `cleanPath(prefix + '/' + relpath)`, in walk order. */
export async function dirFiles(dir: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(abs: string, rel: string): Promise<void> {
    const names = (await readdir(abs)).sort((a, b) =>
      Buffer.compare(Buffer.from(a), Buffer.from(b)),
    );
    for (const name of names) {
      const childAbs = join(abs, name);
      const childRel = rel === '' ? name : `${rel}/${name}`;
      if ((await lstat(childAbs)).isDirectory()) await walk(childAbs, childRel);
      else out.push(cleanPath(`${prefix}/${childRel}`));
    }
  }
  await walk(dir, '');
  return out;
}

/** The `h1:` of the files under `dir`, named with `prefix` in place of `dir`. */
export async function hashDir(dir: string, prefix: string): Promise<string> {
  const files = await dirFiles(dir, prefix);
  const cleanPrefix = cleanPath(prefix);
  return hash1(files, (name) => {
    const rel = name.slice(cleanPrefix === '.' ? 0 : cleanPrefix.length + 1);
    return createReadStream(join(dir, ...rel.split('/')));
  });
}
