import type { Readable } from 'node:stream';

/**
 * The CodeHost seam: one version-control repository, at VCS level (like cmd/go's
 * modfetch/codehost.Repo). It knows revisions, tags and files — nothing about modules,
 * `/vN` paths, `+incompatible` or pseudo-versions; that is the code-repo layer's job.
 *
 * Errors are ModgateErrors: `not-found` for a missing revision or file (and for a repository
 * that does not exist), `forbidden`/`upstream` with the host named for authentication
 * failures, `timeout`, `too-large`. Messages never contain credentials.
 */
export interface CodeHost {
  /** For logs and errors (no credentials). */
  readonly description: string;

  /** Tags starting with `prefix` (full tag names, e.g. `sub/v1.2.3`), any order. */
  tags(prefix: string, ctx: CodeHostContext): Promise<TagInfo[]>;

  /**
   * Resolves a revision: a branch, tag, full or abbreviated (≥7 hex) commit hash, or `HEAD`,
   * following cmd/go's Stat order. Throws `not-found` for an unknown revision.
   */
  stat(rev: string, ctx: CodeHostContext): Promise<RevInfoVcs>;

  /** The default branch head; `not-found` when the repository has no commits. */
  latest(ctx: CodeHostContext): Promise<RevInfoVcs>;

  /** A file at a commit, at most `maxBytes` (else `too-large`); null when it does not exist. */
  readFile(
    hash: string,
    file: string,
    maxBytes: number,
    ctx: CodeHostContext,
  ): Promise<Buffer | null>;

  /**
   * The highest tag (by semver of `tag[prefix.length:]`) reachable from `hash` with `prefix`
   * that `allowed` accepts, or null.
   */
  recentTag(
    hash: string,
    prefix: string,
    allowed: (tag: string) => boolean,
    ctx: CodeHostContext,
  ): Promise<string | null>;

  /** Whether the commit `tag` points at is an ancestor of (or equal to) `hash`. */
  descendsFrom(hash: string, tag: string, ctx: CodeHostContext): Promise<boolean>;

  /**
   * The files of the tree at `hash` under `subdir` (`''` for the root), as a zip stream of
   * `git archive --format=zip` form: byte-exact blobs (no EOL conversion, no export-subst or
   * export-ignore), symlinks as symlink entries, entry names prefixed with `subdir/` when
   * given. At most `maxBytes`.
   */
  archive(hash: string, subdir: string, maxBytes: number, ctx: CodeHostContext): Promise<Readable>;

  /**
   * The files `archive` would hold, listed without building a zip, their content read on
   * demand (a module zip is then built from the object stream, with no archive spooled to
   * disk). Optional; null when the code host prefers `archive` for this tree (a file too big
   * to read into memory). Paths are from the repository root.
   */
  treeFiles?(hash: string, subdir: string, ctx: CodeHostContext): Promise<TreeFile[] | null>;
}

/** How a tree entry is archived: a file (its blob), a symlink, or a directory (a submodule). */
export type TreeFileMode = 'file' | 'symlink' | 'dir';

/** One file of CodeHost.treeFiles. */
export interface TreeFile {
  /** The path from the repository root, as stored (bytes). */
  rawName: Buffer;
  mode: TreeFileMode;
  size: number;
  /** The content (exactly `size` bytes). */
  open(): Promise<Buffer>;
}

export interface CodeHostContext {
  signal?: AbortSignal;
}

export interface TagInfo {
  name: string;
  /** The commit hash the tag points at (peeled). */
  hash: string;
}

/** A resolved revision (cmd/go codehost.RevInfo). */
export interface RevInfoVcs {
  /** Full commit hash. */
  name: string;
  /** First 12 hex digits of the hash. */
  short: string;
  /** Committer time. */
  time: Date;
  /** The requested rev if it is one of `tags`, else the hash (cmd/go's Version field). */
  version: string;
  /** Tags pointing at this commit, sorted. */
  tags: string[];
  /** The ref that was resolved (`refs/tags/v1.2.3`, `refs/heads/main`, `HEAD`), if any. */
  ref?: string;
}
