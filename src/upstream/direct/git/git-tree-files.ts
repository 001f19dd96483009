import { ModgateError, notFound } from '../../../errors/index.js';
import type { TreeFile, TreeFileMode } from '../code-host.js';
import type { GitObject } from './cat-file-batch.js';
import type { GitRunner } from './git-runner.js';

/** One entry of `git ls-tree -r -l -z`. */
export interface TreeEntry {
  /** The path from the repository root, as git stores it (bytes). */
  rawName: Buffer;
  mode: TreeFileMode;
  /** The blob's id (a submodule's commit id for `dir`). */
  oid: string;
  /** Bytes of the blob (0 for `dir`). */
  size: number;
}

/**
 * The files of the tree at the local commit `commit` under `subdir` (everything for `''`),
 * from one `git ls-tree -r -l -z` — what `git archive` of that path would hold, without
 * building it: regular and executable files (`file`), symlinks (`symlink`), submodules (`dir`:
 * git archive writes them as directories). `not-found` when nothing is there (git archive's
 * "did not match any files"). The caller holds the repository's read lock; git's failures are
 * thrown unmapped.
 */
export async function listTree(
  runner: GitRunner,
  gitDir: string,
  commit: string,
  subdir: string,
  describe: string,
  signal?: AbortSignal,
): Promise<TreeEntry[]> {
  const out = await runner.run(
    ['ls-tree', '-r', '-l', '-z', '--full-tree', commit, ...(subdir !== '' ? ['--', subdir] : [])],
    {
      class: 'local',
      gitDir,
      // A subdirectory is a path, never pathspec magic.
      env: { GIT_LITERAL_PATHSPECS: '1' },
      ...(signal !== undefined ? { signal } : {}),
    },
  );
  const entries: TreeEntry[] = [];
  const buf = out.stdout;
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(0, start);
    if (end < 0) end = buf.length;
    const record = buf.subarray(start, end);
    start = end + 1;
    const tab = record.indexOf(0x09);
    if (tab < 0) continue;
    // <mode> SP <type> SP <object> SP+ <size> TAB <path>
    const [mode, type, oid, size] = record.subarray(0, tab).toString('latin1').split(/ +/);
    const rawName = Buffer.from(record.subarray(tab + 1));
    if (type === 'blob') {
      entries.push({
        rawName,
        mode: mode === '120000' ? 'symlink' : 'file',
        oid: oid ?? '',
        size: Number(size),
      });
    } else if (type === 'commit') {
      entries.push({ rawName, mode: 'dir', oid: oid ?? '', size: 0 });
    }
  }
  if (entries.length === 0 && subdir !== '') {
    throw notFound(`${describe}: no directory ${subdir} at ${commit.slice(0, 12)}`);
  }
  return entries;
}

/** Files bigger than this are not read into memory: such a tree is archived instead. */
export const MAX_BLOB_IN_MEMORY = 32 * 1024 * 1024;

/**
 * CodeHost.treeFiles from `listTree`'s entries, blobs read with `read` on demand; null (use
 * `git archive`) when a file is over MAX_BLOB_IN_MEMORY.
 */
export function treeFiles(
  entries: readonly TreeEntry[],
  read: (oid: string, maxBytes: number) => Promise<GitObject | null>,
  describe: string,
): TreeFile[] | null {
  if (entries.some((e) => e.size > MAX_BLOB_IN_MEMORY)) return null;
  return entries.map((e) => ({
    rawName: e.rawName,
    mode: e.mode,
    size: e.size,
    async open(): Promise<Buffer> {
      if (e.mode === 'dir') return Buffer.alloc(0);
      const o = await read(e.oid, MAX_BLOB_IN_MEMORY);
      if (o?.data == null) {
        throw new ModgateError('upstream', `${describe}: cannot read object ${e.oid}`);
      }
      return o.data;
    },
  }));
}
