import type { Readable } from 'node:stream';
import { ModgateError, notFound } from '../../../errors/index.js';
import { compare } from '../../../semver/index.js';
import type { CodeHost, CodeHostContext, RevInfoVcs, TagInfo } from '../code-host.js';
import type { BareRepo } from './bare-repo.js';
import { archiveStream } from './archive-stream.js';
import { GitFetcher } from './git-fetcher.js';
import { GitCommandError } from './git-process.js';
import { refsDigest, type GitRefs } from './git-refs.js';
import type { GitRemote } from './git-remote.js';
import { allHex, isHashLike, isPlainRev } from './git-rev.js';
import type { GitRunner, GitRunOptions } from './git-runner.js';
import { lsRemote } from './ls-remote.js';
import { statLocal } from './stat-local.js';
import { mapGitError } from './map-git-error.js';
import { withSignal } from './with-signal.js';

export interface GitCodeHostOptions {
  /** How long an ls-remote answer (and a stat answer) is reused. Default 5 s. */
  refsTtlMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface CacheEntry<T> {
  promise: Promise<T>;
  expires: number;
}

const MAX_STAT_CACHE = 1024;

/**
 * The CodeHost for one git remote, driven through the system `git` binary over a shared bare
 * repository (cmd/go's codehost/git.go, adapted to a long-running server):
 *
 * - Refs come from `git ls-remote`, reused for `refsTtlMs`, so a burst of requests costs one
 *   round trip; concurrent callers share one call.
 * - `stat` resolves a revision in cmd/go's order: a local (abbreviated) hash, a local tag, the
 *   remote's `refs/tags/<rev>`, `refs/heads/<rev>`, `HEAD`, a unique hex prefix of a ref's
 *   hash (two different hashes: "ambiguous revision"), else "unknown revision" (`not-found`).
 * - Fetches follow cmd/go's policy: the wanted ref alone first (`--depth=1` until the
 *   repository has been fetched in full once), then all heads and tags with their history —
 *   except that the second version wanted from a shallow repository brings the complete fetch
 *   at once (git-fetcher.ts says why). No
 *   commit that is unreachable from a head or a tag is ever fetched (pull-request refs do not
 *   become versions). A complete fetch is repeated only when the remote's refs have changed.
 * - Shared work (ls-remote, fetch, creating the repository) runs under the runner's timeouts
 *   and is not cancelled by one caller's signal (others may be waiting for it); reads for one
 *   caller (log, cat-file, merge-base, archive) die with that caller's signal.
 */
export class GitCodeHost implements CodeHost {
  readonly description: string;
  private readonly refsTtlMs: number;
  private readonly now: () => number;
  private refsEntry: CacheEntry<GitRefs> | undefined;
  private readonly statCache = new Map<string, CacheEntry<RevInfoVcs>>();
  private readonly fetcher: GitFetcher;

  constructor(
    readonly remote: GitRemote,
    private readonly repo: BareRepo,
    private readonly runner: GitRunner,
    options: GitCodeHostOptions = {},
  ) {
    this.description = `git ${remote.display}`;
    this.fetcher = new GitFetcher(remote, repo, runner);
    this.refsTtlMs = options.refsTtlMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  /** The remote's HEAD, branches and tags (peeled), from a recent `git ls-remote`. */
  refs(ctx: CodeHostContext = {}): Promise<GitRefs> {
    let entry = this.refsEntry;
    if (entry === undefined || entry.expires <= this.now()) {
      const e: CacheEntry<GitRefs> = {
        promise: lsRemote(this.runner, this.remote),
        expires: Number.POSITIVE_INFINITY,
      };
      // Failures are kept for the TTL as well: a burst against a missing repository also
      // costs one ls-remote.
      const settle = (): void => {
        e.expires = this.now() + this.refsTtlMs;
      };
      e.promise.then(settle, settle);
      this.refsEntry = entry = e;
    }
    return withSignal(entry.promise, ctx.signal);
  }

  /** Takes a fresh ls-remote answer obtained elsewhere (a probe), unless one is pending. */
  primeRefs(refs: GitRefs): void {
    if (this.refsEntry?.expires === Number.POSITIVE_INFINITY) return;
    this.refsEntry = { promise: Promise.resolve(refs), expires: this.now() + this.refsTtlMs };
  }

  async tags(prefix: string, ctx: CodeHostContext): Promise<TagInfo[]> {
    const refs = await this.refs(ctx);
    const out: TagInfo[] = [];
    for (const [ref, hash] of refs) {
      if (!ref.startsWith('refs/tags/')) continue;
      const name = ref.slice('refs/tags/'.length);
      if (name.startsWith(prefix)) out.push({ name, hash });
    }
    return out.sort((a, b) => compareBytes(a.name, b.name));
  }

  async latest(ctx: CodeHostContext): Promise<RevInfoVcs> {
    const refs = await this.refs(ctx);
    const head = refs.get('HEAD');
    if (head === undefined) throw notFound(`${this.description}: no commits`);
    const info = await this.stat(head, ctx);
    return { ...info, ref: 'HEAD' };
  }

  async stat(rev: string, ctx: CodeHostContext): Promise<RevInfoVcs> {
    const now = this.now();
    let entry = this.statCache.get(rev);
    if (entry === undefined || entry.expires <= now) {
      const e: CacheEntry<RevInfoVcs> = {
        promise: this.statShared(rev),
        expires: Number.POSITIVE_INFINITY,
      };
      e.promise.then(
        () => {
          e.expires = this.now() + this.refsTtlMs;
        },
        () => {
          if (this.statCache.get(rev) === e) this.statCache.delete(rev);
        },
      );
      if (this.statCache.size >= MAX_STAT_CACHE) this.pruneStatCache(now);
      this.statCache.set(rev, e);
      entry = e;
    }
    const info = await withSignal(entry.promise, ctx.signal);
    return { ...info, tags: [...info.tags] };
  }

  async readFile(
    hash: string,
    file: string,
    maxBytes: number,
    ctx: CodeHostContext,
  ): Promise<Buffer | null> {
    const info = await this.stat(hash, ctx);
    return this.repo.lock.withRead(async () => {
      try {
        const out = await this.git(['cat-file', 'blob', `${info.name}:${file}`], {
          class: 'local',
          maxStdout: maxBytes,
          ...signalOf(ctx),
        });
        return out.stdout;
      } catch (err) {
        // cmd/go: any failure of cat-file means the file does not exist at that commit.
        if (err instanceof GitCommandError && err.failure === 'exit') return null;
        if (err instanceof GitCommandError && err.failure === 'too-large') {
          throw new ModgateError(
            'too-large',
            `${this.description}: ${file} at ${info.short} is larger than ${maxBytes} bytes`,
          );
        }
        throw this.fail(err, 'git cat-file');
      }
    }, ctx.signal);
  }

  async recentTag(
    hash: string,
    prefix: string,
    allowed: (tag: string) => boolean,
    ctx: CodeHostContext,
  ): Promise<string | null> {
    const info = await this.stat(hash, ctx);
    const describe = async (): Promise<string> => {
      const out = await this.repo.lock.withRead(async () => {
        try {
          return await this.git(
            ['for-each-ref', '--format=%(refname)', '--merged', info.name, 'refs/tags'],
            { class: 'local', ...signalOf(ctx) },
          );
        } catch (err) {
          throw this.fail(err, 'git for-each-ref');
        }
      }, ctx.signal);
      let highest = '';
      for (const raw of out.stdout.toString('utf8').split('\n')) {
        const line = raw.trim();
        if (!line.startsWith('refs/tags/')) continue;
        const tag = line.slice('refs/tags/'.length);
        if (!tag.startsWith(prefix) || !allowed(tag)) continue;
        const semtag = tag.slice(prefix.length);
        if (compare(semtag, highest) > 0) highest = semtag;
      }
      return highest === '' ? '' : prefix + highest;
    };

    const tag = await describe();
    if (tag !== '' && !allHex(tag)) return tag;
    // No version tag precedes the commit in what we have. If the remote has plausible tags,
    // fetch the whole history and look again.
    if ((await this.tags(prefix + 'v', ctx)).length === 0) return null;
    await this.ensureFullFetch(ctx);
    const again = await describe();
    return again === '' ? null : again;
  }

  async descendsFrom(hash: string, tag: string, ctx: CodeHostContext): Promise<boolean> {
    if (!isPlainRev(tag)) return false;
    if ((await this.repo.openIfExists()) && (await this.isAncestor(tag, hash, ctx)) === true) {
      return true;
    }
    // A shallow history can say "no" falsely: unless the tag does not exist at all, make sure
    // the commit is known, fetch everything, and ask again.
    if ((await this.tags(tag, ctx)).length === 0) return false;
    const info = await this.stat(hash, ctx);
    await this.ensureFullFetch(ctx);
    const answer = await this.isAncestor(tag, info.name, ctx);
    if (answer === 'error') {
      throw new ModgateError(
        'upstream',
        `${this.description}: cannot tell whether ${info.short} descends from ${tag}`,
      );
    }
    return answer;
  }

  async archive(
    hash: string,
    subdir: string,
    maxBytes: number,
    ctx: CodeHostContext,
  ): Promise<Readable> {
    const info = await this.stat(hash, ctx);
    await withSignal(this.repo.open(), ctx.signal);
    const release = await this.repo.lock.read(ctx.signal);
    try {
      // Incredibly (cmd/go's words), git's archives depend on the platform's line-ending
      // settings: autocrlf=input and eol=lf make blobs come out exactly as committed.
      const args = ['-c', 'core.autocrlf=input', '-c', 'core.eol=lf', 'archive', '--format=zip'];
      args.push(info.name, ...(subdir !== '' ? ['--', subdir] : []));
      const proc = await this.runner.start(args, {
        class: 'archive',
        gitDir: this.repo.dir,
        // A subdirectory is a path, never pathspec magic.
        env: { GIT_LITERAL_PATHSPECS: '1' },
        ...signalOf(ctx),
      });
      void proc.exited.then(release);
      const stream = await archiveStream(proc, maxBytes, (exit) => {
        if (exit.failure === 'too-large') {
          return new ModgateError(
            'too-large',
            `${this.description}: archive of ${info.short} is larger than ${maxBytes} bytes`,
          );
        }
        if (exit.failure === 'exit' && exit.stderr.includes('did not match any files')) {
          return notFound(`${this.description}: no directory ${subdir} at ${info.short}`);
        }
        const err = new GitCommandError(exit.failure ?? 'exit', args, exit.exitCode, exit.stderr);
        return this.fail(err, 'git archive');
      });
      // git has resolved the commit and its tree once output flows; the rest only reads
      // immutable objects, so a slow consumer must not hold up fetches (and the readers
      // queued behind them).
      release();
      return stream;
    } catch (err) {
      release();
      throw this.fail(err, 'git archive');
    }
  }

  // --- resolution -------------------------------------------------------------------------

  /** stat without a caller's signal: its result is shared by everyone who asks meanwhile. */
  private async statShared(rev: string): Promise<RevInfoVcs> {
    try {
      return await this.statUncached(rev);
    } catch (err) {
      throw this.fail(err, 'git');
    }
  }

  private async statUncached(rev: string): Promise<RevInfoVcs> {
    if (!isPlainRev(rev)) throw this.unknownRevision(rev);

    // Fast paths: a hash or a tag we already have (tags are assumed not to move).
    let didStatLocal = false;
    if (await this.repo.openIfExists()) {
      if (isHashLike(rev)) {
        const info = await this.repo.lock.withRead(() => this.statLocal(rev, rev));
        if (info) return info;
        didStatLocal = true;
      }
      const tagRef = `refs/tags/${rev}`;
      const info = await this.repo.lock.withRead(() => this.statLocal(rev, tagRef));
      if (info) return withRef(info, tagRef);
    }

    // Ask the remote what the name means.
    const refs = await this.refs();
    let ref: string | undefined;
    let hash: string | undefined;
    let want = rev;
    const tagHash = refs.get(`refs/tags/${rev}`);
    const headHash = refs.get(`refs/heads/${rev}`);
    if (tagHash !== undefined) {
      ref = `refs/tags/${rev}`;
      hash = tagHash; // keep `want`: a tag does not change meaning
    } else if (headHash !== undefined) {
      ref = `refs/heads/${rev}`;
      hash = want = headHash; // a branch moves: resolve it now
    } else if (rev === 'HEAD' && refs.has('HEAD')) {
      ref = 'HEAD';
      hash = want = refs.get('HEAD') ?? '';
    } else if (isHashLike(rev)) {
      for (const [k, h] of refs) {
        if (!h.startsWith(rev)) continue;
        if (hash !== undefined && hash !== h) {
          throw notFound(`${this.description}: ambiguous revision ${rev}`);
        }
        if (ref === undefined || ref > k) ref = k; // deterministic among refs of one hash
        hash = want = h;
      }
      if (hash === undefined && rev.length === 40) hash = rev;
    } else {
      throw this.unknownRevision(rev);
    }

    await this.repo.open();
    return this.repo.lock.withWrite(async () => {
      // Someone may have fetched what we need while we waited for the lock (unless nothing
      // was ever fetched: a git process saved).
      if (!didStatLocal && hash !== undefined && !this.repo.empty) {
        const info = await this.statLocal(want, hash);
        if (info) return this.withLocalTag(info, ref, hash, want);
      }
      const digest = refsDigest(refs);
      if (this.repo.fullFetchDigest !== digest) {
        if (ref !== undefined && hash !== undefined && !this.fetcher.prefersFullFetch()) {
          const local = await this.fetcher.fetchOne(ref, hash, refs);
          const info = local === undefined ? null : await this.statLocal(want, local);
          if (info) return withRef(info, ref);
        }
        await this.fetcher.fetchAll(digest);
      }
      const info = await this.statLocal(want, want);
      if (!info) throw this.unknownRevision(rev);
      return withRef(info, ref);
    });
  }

  /** `git log -n1` of `rev` locally (see stat-local.ts). The caller holds the lock. */
  private statLocal(version: string, rev: string): Promise<RevInfoVcs | null> {
    return statLocal(this.runner, this.repo.dir, version, rev);
  }

  /**
   * A commit found locally through the remote's tag: record the tag locally (cmd/go does, so
   * the local-tag fast path finds it next time) and report the commit with it.
   */
  private async withLocalTag(
    info: RevInfoVcs,
    ref: string | undefined,
    hash: string,
    want: string,
  ): Promise<RevInfoVcs> {
    if (ref?.startsWith('refs/tags/') !== true || info.tags.includes(want)) {
      return withRef(info, ref);
    }
    try {
      await this.git(['tag', ref.slice('refs/tags/'.length), hash], { class: 'local' });
    } catch {
      return withRef(info, ref);
    }
    return withRef((await this.statLocal(want, hash)) ?? info, ref);
  }

  /** A complete fetch unless one was done for the remote's current refs. */
  private async ensureFullFetch(ctx: CodeHostContext): Promise<void> {
    const refs = await this.refs(ctx);
    const digest = refsDigest(refs);
    await withSignal(this.repo.open(), ctx.signal);
    const job = this.repo.lock.withWrite(async () => {
      if (this.repo.fullFetchDigest !== digest) await this.fetcher.fetchAll(digest);
    });
    try {
      await withSignal(job, ctx.signal);
    } catch (err) {
      throw this.fail(err, 'git fetch');
    }
  }

  private async isAncestor(
    tag: string,
    hash: string,
    ctx: CodeHostContext,
  ): Promise<boolean | 'error'> {
    return this.repo.lock.withRead(async () => {
      try {
        await this.git(['merge-base', '--is-ancestor', '--', `refs/tags/${tag}`, hash], {
          class: 'local',
          ...signalOf(ctx),
        });
        return true;
      } catch (err) {
        if (err instanceof GitCommandError && err.failure === 'exit') {
          return err.exitCode === 1 ? false : 'error';
        }
        throw this.fail(err, 'git merge-base');
      }
    }, ctx.signal);
  }

  // --- plumbing ---------------------------------------------------------------------------

  private git(args: string[], opts: Omit<GitRunOptions, 'gitDir'>) {
    return this.runner.run(args, { ...opts, gitDir: this.repo.dir });
  }

  private fail(err: unknown, op: string): ModgateError {
    return mapGitError(err, { host: this.remote.host, what: `${op} ${this.remote.display}` });
  }

  private unknownRevision(rev: string): ModgateError {
    return notFound(`${this.description}: unknown revision ${rev}`);
  }

  private pruneStatCache(now: number): void {
    for (const [k, e] of this.statCache) if (e.expires <= now) this.statCache.delete(k);
    while (this.statCache.size >= MAX_STAT_CACHE) {
      const oldest = this.statCache.keys().next();
      if (oldest.done === true) break;
      this.statCache.delete(oldest.value);
    }
  }
}

function withRef(info: RevInfoVcs, ref: string | undefined): RevInfoVcs {
  return ref !== undefined && ref !== info.name ? { ...info, ref } : info;
}

function signalOf(ctx: CodeHostContext): { signal?: AbortSignal } {
  return ctx.signal !== undefined ? { signal: ctx.signal } : {};
}

/** Go's string order (bytes of UTF-8), for tag lists. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
