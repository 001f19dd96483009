/**
 * An in-memory CodeHost for code-repo tests: commits (with parents, committer times and
 * whole file trees), tags, branches and a HEAD branch, built with a small git-like API.
 * Its answers follow cmd/go's git code host: Stat resolves hashes (≥7 hex) first, then tags,
 * then branches, then HEAD; `version` is the asked-for tag or else the full hash; tags on a
 * commit are sorted; readFile of a symlink gives its target (as `git cat-file blob` does);
 * archives are git-archive-style zips (directory entries, Unix modes, symlink entries).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import yazl from 'yazl';
import { ModgateError } from '../../../src/errors/index.js';
import { compare } from '../../../src/semver/index.js';
import type {
  CodeHost,
  CodeHostContext,
  RevInfoVcs,
  TagInfo,
} from '../../../src/upstream/direct/code-host.js';

export type FakeFile =
  | string
  | Buffer
  | { readonly data: string | Buffer; readonly executable?: boolean }
  | { readonly symlink: string };

interface StoredFile {
  readonly data: Buffer;
  readonly kind: 'file' | 'exec' | 'symlink';
}

interface Commit {
  readonly hash: string;
  readonly parents: readonly string[];
  readonly time: Date;
  readonly files: ReadonlyMap<string, StoredFile>;
}

export interface CommitOptions {
  /** Committer time (ISO string or Date). */
  readonly time: string | Date;
  /** Files added or changed; `null` removes a file. */
  readonly files?: Readonly<Record<string, FakeFile | null>>;
  /** Branch to commit on (default: the current branch); created if missing. */
  readonly branch?: string;
  /** Extra parents (a merge). */
  readonly merge?: readonly string[];
  /** Start from an empty tree instead of the parent's. */
  readonly fresh?: boolean;
}

export class FakeCodeHost implements CodeHost {
  readonly description: string;
  private readonly commits = new Map<string, Commit>();
  private readonly tagMap = new Map<string, string>();
  private readonly branches = new Map<string, string>();
  private current = 'main';
  private head = 'main';
  private counter = 0;
  /** Calls per method, for tests of caching. */
  readonly calls: Record<string, number> = {};

  constructor(description = 'fake') {
    this.description = description;
  }

  // ---- building ----

  /** Commits on a branch and returns the full hash. */
  commit(options: CommitOptions): string {
    const branch = options.branch ?? this.current;
    const parent = this.branches.get(branch);
    const files = new Map<string, StoredFile>(
      parent !== undefined && options.fresh !== true ? this.commitOf(parent).files : [],
    );
    for (const [path, f] of Object.entries(options.files ?? {})) {
      if (f === null) files.delete(path);
      else files.set(path, storeFile(f));
    }
    const hash = createHash('sha1')
      .update(`${this.description}\0${++this.counter}\0${branch}`)
      .digest('hex');
    const parents = [...(parent !== undefined ? [parent] : []), ...(options.merge ?? [])];
    this.commits.set(hash, {
      hash,
      parents,
      time: typeof options.time === 'string' ? new Date(options.time) : options.time,
      files,
    });
    this.branches.set(branch, hash);
    return hash;
  }

  /** Tags a commit (default: the current branch head). */
  tag(name: string, rev?: string): void {
    this.tagMap.set(name, rev === undefined ? this.branchHead(this.current) : this.resolve(rev));
  }

  /** Creates (or moves) a branch at a commit and makes it current. */
  branch(name: string, rev: string): void {
    this.branches.set(name, this.resolve(rev));
    this.current = name;
  }

  checkout(name: string): void {
    this.branchHead(name);
    this.current = name;
  }

  /** Which branch HEAD names (the default branch). */
  setHead(name: string): void {
    this.head = name;
  }

  branchHead(name: string): string {
    const h = this.branches.get(name);
    if (h === undefined) throw new Error(`no branch ${name}`);
    return h;
  }

  short(hash: string): string {
    return hash.slice(0, 12);
  }

  commitTime(hash: string): Date {
    return this.commitOf(hash).time;
  }

  // ---- CodeHost ----

  tags(prefix: string, _ctx: CodeHostContext): Promise<TagInfo[]> {
    this.count('tags');
    const out: TagInfo[] = [];
    for (const [name, hash] of this.tagMap) {
      if (name.startsWith(prefix)) out.push({ name, hash });
    }
    return Promise.resolve(out);
  }

  stat(rev: string, _ctx: CodeHostContext): Promise<RevInfoVcs> {
    this.count('stat');
    return Promise.resolve().then(() => this.statSync(rev));
  }

  latest(_ctx: CodeHostContext): Promise<RevInfoVcs> {
    this.count('latest');
    const h = this.branches.get(this.head);
    if (h === undefined) return Promise.reject(new ModgateError('not-found', 'no commits'));
    return Promise.resolve({ ...this.info(h, h), ref: 'HEAD' });
  }

  readFile(
    hash: string,
    file: string,
    maxBytes: number,
    _ctx: CodeHostContext,
  ): Promise<Buffer | null> {
    this.count('readFile');
    const c = this.commits.get(hash);
    if (c === undefined) {
      return Promise.reject(new ModgateError('not-found', `unknown revision ${hash}`));
    }
    const f = c.files.get(file);
    if (f === undefined) return Promise.resolve(null);
    if (f.data.length > maxBytes) {
      return Promise.reject(new ModgateError('too-large', `${file} is too large`));
    }
    return Promise.resolve(Buffer.from(f.data));
  }

  recentTag(
    hash: string,
    prefix: string,
    allowed: (tag: string) => boolean,
    _ctx: CodeHostContext,
  ): Promise<string | null> {
    this.count('recentTag');
    const ancestors = this.ancestors(hash);
    let highest = '';
    for (const [name, h] of [...this.tagMap].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!ancestors.has(h) || !name.startsWith(prefix) || !allowed(name)) continue;
      const semtag = name.slice(prefix.length);
      if (compare(semtag, highest) > 0) highest = semtag;
    }
    return Promise.resolve(highest === '' ? null : prefix + highest);
  }

  descendsFrom(hash: string, tag: string, _ctx: CodeHostContext): Promise<boolean> {
    this.count('descendsFrom');
    const t = this.tagMap.get(tag);
    if (t === undefined) return Promise.resolve(false);
    return Promise.resolve(this.ancestors(hash).has(t));
  }

  archive(
    hash: string,
    subdir: string,
    maxBytes: number,
    _ctx: CodeHostContext,
  ): Promise<Readable> {
    this.count('archive');
    const c = this.commits.get(hash);
    if (c === undefined) {
      return Promise.reject(new ModgateError('not-found', `unknown revision ${hash}`));
    }
    const prefix = subdir === '' ? '' : subdir + '/';
    const paths = [...c.files.keys()].filter((p) => p.startsWith(prefix)).sort();
    if (paths.length === 0) {
      return Promise.reject(new ModgateError('not-found', `${subdir} did not match any files`));
    }
    const zip = new yazl.ZipFile();
    const dirs = new Set<string>();
    const mtime = new Date(0);
    for (const p of paths) {
      const parts = p.split('/');
      for (let i = 1; i < parts.length; i++) {
        const d = parts.slice(0, i).join('/') + '/';
        if (!dirs.has(d)) {
          dirs.add(d);
          zip.addEmptyDirectory(d, { mtime, mode: 0o40775 });
        }
      }
      const f = c.files.get(p)!;
      const mode = f.kind === 'symlink' ? 0o120777 : f.kind === 'exec' ? 0o100775 : 0o100664;
      zip.addBuffer(f.data, p, { mtime, mode, compress: f.kind !== 'symlink' });
    }
    zip.end();
    let seen = 0;
    const out = new Readable({ read() {} });
    zip.outputStream.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) {
        out.destroy(new ModgateError('too-large', 'archive too large'));
        return;
      }
      out.push(chunk);
    });
    zip.outputStream.on('end', () => out.push(null));
    return Promise.resolve(out);
  }

  // ---- internals ----

  private count(name: string): void {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
  }

  private commitOf(hash: string): Commit {
    const c = this.commits.get(hash);
    if (c === undefined) throw new Error(`no commit ${hash}`);
    return c;
  }

  /** Hash, tag, branch or HEAD to a full hash (for building). */
  private resolve(rev: string): string {
    return this.statSync(rev).name;
  }

  private statSync(rev: string): RevInfoVcs {
    if (rev.length >= 7 && rev.length <= 40 && /^[0-9a-f]+$/.test(rev)) {
      const matches = [...this.commits.keys()].filter((h) => h.startsWith(rev));
      if (matches.length > 1) throw new ModgateError('not-found', `ambiguous revision ${rev}`);
      if (matches.length === 1) return this.info(matches[0]!, rev);
    }
    const tagged = this.tagMap.get(rev);
    if (tagged !== undefined) return { ...this.info(tagged, rev), ref: `refs/tags/${rev}` };
    const branch = this.branches.get(rev);
    if (branch !== undefined) return { ...this.info(branch, branch), ref: `refs/heads/${rev}` };
    if (rev === 'HEAD') {
      const h = this.branches.get(this.head);
      if (h !== undefined) return { ...this.info(h, h), ref: 'HEAD' };
    }
    throw new ModgateError('not-found', `unknown revision ${rev}`);
  }

  /** cmd/go statLocal: `version` becomes the full hash unless it is one of the commit's tags. */
  private info(hash: string, version: string): RevInfoVcs {
    const c = this.commitOf(hash);
    const tags = [...this.tagMap]
      .filter(([, h]) => h === hash)
      .map(([name]) => name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      name: hash,
      short: hash.slice(0, 12),
      time: c.time,
      version: tags.includes(version) ? version : hash,
      tags,
    };
  }

  private ancestors(hash: string): Set<string> {
    const seen = new Set<string>();
    const stack = [hash];
    while (stack.length > 0) {
      const h = stack.pop()!;
      if (seen.has(h)) continue;
      seen.add(h);
      stack.push(...this.commitOf(h).parents);
    }
    return seen;
  }
}

function storeFile(f: FakeFile): StoredFile {
  if (typeof f === 'string') return { data: Buffer.from(f), kind: 'file' };
  if (Buffer.isBuffer(f)) return { data: f, kind: 'file' };
  if ('symlink' in f) return { data: Buffer.from(f.symlink), kind: 'symlink' };
  return {
    data: typeof f.data === 'string' ? Buffer.from(f.data) : f.data,
    kind: f.executable === true ? 'exec' : 'file',
  };
}
