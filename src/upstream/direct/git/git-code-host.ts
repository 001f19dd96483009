import type { Readable } from 'node:stream';
import { ModgateError, notFound } from '../../../errors/index.js';
import type { CodeHost, CodeHostContext, RevInfoVcs, TagInfo, TreeFile } from '../code-host.js';
import type { BareRepo } from './bare-repo.js';
import { gitArchive } from './git-archive.js';
import { listTree, treeFiles } from './git-tree-files.js';
import { highestTag } from './highest-tag.js';
import { CatFileBatch, type GitObject } from './cat-file-batch.js';
import { GitBlobs } from './git-blobs.js';
import { GitFetcher } from './git-fetcher.js';
import { deepenUntil, type DeepenOutcome } from './deepen-until.js';
import { GitCommandError } from './git-process.js';
import { refsDigest, type GitRefs } from './git-refs.js';
import type { GitRemote } from './git-remote.js';
import { allHex, isPlainRev } from './git-rev.js';
import type { GitRunner, GitRunOptions } from './git-runner.js';
import type { RemoteAdvertisement } from './ls-remote.js';
import { RemoteRefs } from './remote-refs.js';
import { mapGitError } from './map-git-error.js';
import { RevisionResolver } from './revision-resolver.js';
import { statOfHash } from './stat-local.js';
import { SharedAnswers } from './shared-answers.js';
import { withSignal } from './with-signal.js';

export interface GitCodeHostOptions {
  /** How long an ls-remote answer (and a stat answer) is reused. Default 5 s. */
  refsTtlMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * Bound on the resolved revisions kept (1 MiB, ~1,300 answers): a module's versions, branches
 * and hashes asked for within `refsTtlMs` fit many times over.
 */
const STAT_ANSWERS_MAX_BYTES = 1024 * 1024;

/** Bound on one file read through the batch reader (as the local command timeout). */
const READ_TIMEOUT_MS = 60_000;

/**
 * The CodeHost for one git remote, driven through the system `git` binary over a shared bare
 * repository (cmd/go's codehost/git.go, adapted to a long-running server):
 *
 * - Refs come from `git ls-remote`, reused for `refsTtlMs` (failures too), so a burst of
 *   requests costs one round trip; concurrent callers share one call. Resolved revisions are
 *   shared and reused the same way (failures are not).
 * - `stat` resolves a revision in cmd/go's order (RevisionResolver).
 * - Fetches follow cmd/go's policy, fetching no more than it would (git-fetcher.ts, which
 *   says what and when; blobs of a partial clone are fetched before reads, git-blobs.ts).
 *   No commit unreachable from a head or a tag is ever fetched (pull-request refs do not
 *   become versions).
 * - Shared work (ls-remote, fetch, creating the repository) runs under the runner's timeouts
 *   and is not cancelled by one caller's signal (others may be waiting for it); reads for one
 *   caller (log, cat-file, merge-base, archive) die with that caller's signal.
 */
export class GitCodeHost implements CodeHost {
  readonly description: string;
  private readonly remoteRefs: RemoteRefs;
  private readonly statAnswers: SharedAnswers<RevInfoVcs>;
  private readonly fetcher: GitFetcher;
  /** Blobs a partial clone left out, fetched before they are read. */
  private readonly blobs: GitBlobs;
  private readonly resolver: RevisionResolver;
  /** File reads (go.mod, LICENSE): one `git cat-file --batch` for the repository. */
  private readonly objects: CatFileBatch;

  constructor(
    readonly remote: GitRemote,
    private readonly repo: BareRepo,
    private readonly runner: GitRunner,
    options: GitCodeHostOptions = {},
  ) {
    this.description = `git ${remote.display}`;
    this.fetcher = new GitFetcher(remote, repo, runner, () => this.remoteRefs.partialClone);
    this.blobs = new GitBlobs(repo, runner, this.fetcher);
    const ttlMs = options.refsTtlMs ?? 5000;
    const now = options.now ?? Date.now;
    this.remoteRefs = new RemoteRefs(runner, remote, ttlMs, now);
    this.statAnswers = new SharedAnswers({
      ttlMs,
      keepFailures: false,
      maxBytes: STAT_ANSWERS_MAX_BYTES,
      now,
    });
    this.objects = new CatFileBatch(runner, repo.dir, { timeoutMs: READ_TIMEOUT_MS });
    // An evicted repository's resolved revisions and reader are gone with it.
    repo.onReset(() => {
      this.statAnswers.clear();
      this.objects.close();
    });
    this.resolver = new RevisionResolver(this.description, repo, runner, this.fetcher, () =>
      this.refs(),
    );
  }

  /** The remote's HEAD, branches and tags (peeled), from a recent `git ls-remote`. */
  async refs(ctx: CodeHostContext = {}): Promise<GitRefs> {
    return withSignal(this.remoteRefs.get(), ctx.signal);
  }

  /** Takes a fresh ls-remote answer obtained elsewhere (a probe), unless one is pending. */
  primeRefs(answer: RemoteAdvertisement): void {
    this.remoteRefs.prime(answer);
  }

  async tags(prefix: string, ctx: CodeHostContext): Promise<TagInfo[]> {
    const refs = await this.refs(ctx);
    const out: TagInfo[] = [];
    for (const [ref, hash] of refs) {
      if (!ref.startsWith('refs/tags/')) continue;
      const name = ref.slice('refs/tags/'.length);
      if (name.startsWith(prefix)) out.push({ name, hash });
    }
    // Go's string order (bytes of UTF-8).
    return out.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  }

  async latest(ctx: CodeHostContext): Promise<RevInfoVcs> {
    const refs = await this.refs(ctx);
    const head = refs.get('HEAD');
    if (head === undefined) throw notFound(`${this.description}: no commits`);
    const info = await this.stat(head, ctx);
    return { ...info, ref: 'HEAD' };
  }

  async stat(rev: string, ctx: CodeHostContext): Promise<RevInfoVcs> {
    const info = await this.repo.use(() => this.statIn(rev, ctx));
    return { ...info, tags: [...info.tags] };
  }

  /** stat, for callers already using the repository. */
  private async statIn(rev: string, ctx: CodeHostContext): Promise<RevInfoVcs> {
    const info = await withSignal(
      this.statAnswers.get(rev, () => this.repo.use(() => this.statShared(rev))),
      ctx.signal,
    );
    return info;
  }

  async readFile(
    hash: string,
    file: string,
    maxBytes: number,
    ctx: CodeHostContext,
  ): Promise<Buffer | null> {
    return this.repo.use(() => this.readFileIn(hash, file, maxBytes, ctx));
  }

  private async readFileIn(
    hash: string,
    file: string,
    maxBytes: number,
    ctx: CodeHostContext,
  ): Promise<Buffer | null> {
    const info = await this.statIn(hash, ctx);
    const present = this.blobs.forFile(info.name, file, ctx.signal);
    if (!(await this.mapped(present, 'git fetch'))) return null;
    const object = await this.repo.lock.withObjectsRead(async () => {
      const read = this.objects.read(`${info.name}:${file}`, maxBytes);
      return this.mapped(withSignal(read, ctx.signal), 'git cat-file');
    });
    // cmd/go: any failure of `git cat-file blob` means the file does not exist at that commit.
    if (object === null || object.type !== 'blob') return null;
    if (object.data === null) {
      throw new ModgateError(
        'too-large',
        `${this.description}: ${file} at ${info.short} is larger than ${maxBytes} bytes`,
      );
    }
    return object.data;
  }

  async recentTag(
    hash: string,
    prefix: string,
    allowed: (tag: string) => boolean,
    ctx: CodeHostContext,
  ): Promise<string | null> {
    return this.repo.use(() => this.recentTagIn(hash, prefix, allowed, ctx));
  }

  private async recentTagIn(
    hash: string,
    prefix: string,
    allowed: (tag: string) => boolean,
    ctx: CodeHostContext,
  ): Promise<string | null> {
    const info = await this.statIn(hash, ctx);
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
      return highestTag(out.stdout.toString('utf8'), prefix, allowed);
    };

    const tag = await describe();
    if (tag !== '' && !allHex(tag)) return tag;
    // No version tag precedes the commit in what we have. If the remote has plausible tags,
    // bring more history: step by step while the highest of them is not found, then all.
    const plausible = await this.tags(prefix + 'v', ctx);
    if (plausible.length === 0) return null;
    const best = highestTag(
      plausible.map((t) => `refs/tags/${t.name}`).join('\n'),
      prefix,
      allowed,
    );
    let found = tag;
    const outcome = await this.deepenUntil(info.name, ctx, async () => {
      found = await describe();
      return found !== '' && found === best;
    });
    if (outcome !== 'exhausted') return found === '' ? null : found;
    await this.ensureFullFetch(ctx);
    const again = await describe();
    return again === '' ? null : again;
  }

  async descendsFrom(hash: string, tag: string, ctx: CodeHostContext): Promise<boolean> {
    if (!isPlainRev(tag)) return false;
    return this.repo.use(() => this.descendsFromIn(hash, tag, ctx));
  }

  private async descendsFromIn(hash: string, tag: string, ctx: CodeHostContext): Promise<boolean> {
    if ((await this.repo.openIfExists()) && (await this.isAncestor(tag, hash, ctx)) === true) {
      return true;
    }
    // A shallow history can say "no" falsely: unless the tag does not exist at all, make sure
    // the commit is known, fetch everything, and ask again.
    if ((await this.tags(tag, ctx)).length === 0) return false;
    const info = await this.statIn(hash, ctx);
    // The tag's commit (one shallow fetch at most), then the commit's history step by step.
    await this.statIn(tag, ctx);
    const outcome = await this.deepenUntil(
      info.name,
      ctx,
      async () => (await this.isAncestor(tag, info.name, ctx)) === true,
    );
    if (outcome === 'settled') return true;
    if (outcome === 'whole') return (await this.isAncestor(tag, info.name, ctx)) === true;
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
    // In use until git has exited (the stream may outlive this call).
    const done = await this.repo.hold();
    try {
      return await this.archiveIn(hash, subdir, maxBytes, ctx, done);
    } catch (err) {
      done();
      throw err;
    }
  }

  private async archiveIn(
    hash: string,
    subdir: string,
    maxBytes: number,
    ctx: CodeHostContext,
    done: () => void,
  ): Promise<Readable> {
    const info = await this.statIn(hash, ctx);
    await withSignal(this.repo.open(), ctx.signal);
    await this.mapped(this.blobs.directory(info.name, subdir, ctx.signal), 'git fetch');
    try {
      return await gitArchive(this.runner, this.repo, info, subdir, maxBytes, {
        description: this.description,
        done,
        fail: (err) => this.fail(err, 'git archive'),
        ...signalOf(ctx),
      });
    } catch (err) {
      throw this.fail(err, 'git archive');
    }
  }

  async treeFiles(hash: string, subdir: string, ctx: CodeHostContext): Promise<TreeFile[] | null> {
    return this.repo.use(async () => {
      const info = await this.statIn(hash, ctx);
      await this.mapped(this.blobs.directory(info.name, subdir, ctx.signal), 'git fetch');
      const entries = await this.repo.lock.withObjectsRead(() =>
        listTree(this.runner, this.repo.dir, info.name, subdir, this.description).catch(
          (err: unknown) => {
            throw this.fail(err, 'git ls-tree');
          },
        ),
      );
      // A blob, read by id (the repository kept in use meanwhile).
      const read = (oid: string, max: number): Promise<GitObject | null> =>
        this.repo.use(() => this.repo.lock.withObjectsRead(() => this.objects.read(oid, max)));
      return treeFiles(entries, read, this.description);
    });
  }

  // --- resolution -------------------------------------------------------------------------

  /** stat without a caller's signal: its result is shared by everyone who asks meanwhile. */
  private async statShared(rev: string): Promise<RevInfoVcs> {
    const info = await this.mapped(this.resolver.resolve(rev), 'git');
    // The reads of a version (go.mod, zip) that follow ask by hash.
    if (info.name !== rev) this.statAnswers.prime(info.name, statOfHash(info));
    return info;
  }

  /** deepenUntil (deepen-until.ts) for this repository, failures mapped. */
  private async deepenUntil(
    hash: string,
    ctx: CodeHostContext,
    settled: () => Promise<boolean>,
  ): Promise<DeepenOutcome> {
    const work = deepenUntil(this.repo, this.fetcher, hash, ctx.signal, settled);
    return this.mapped(work, 'git fetch');
  }

  /** A complete fetch unless one was done for the remote's current refs. */
  private async ensureFullFetch(ctx: CodeHostContext): Promise<void> {
    const refs = await this.refs(ctx);
    const digest = refsDigest(refs);
    await withSignal(this.repo.open(), ctx.signal);
    const job = this.repo.lock.withWrite(async () => {
      if (this.repo.fullFetchDigest !== digest) await this.fetcher.fetchAll(digest);
    });
    await this.mapped(withSignal(job, ctx.signal), 'git fetch');
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

  /** `work`'s result, its git failure mapped (`fail`). */
  private async mapped<T>(work: Promise<T>, op: string): Promise<T> {
    try {
      return await work;
    } catch (err) {
      throw this.fail(err, op);
    }
  }

  private fail(err: unknown, op: string): ModgateError {
    return mapGitError(err, { host: this.remote.host, what: `${op} ${this.remote.display}` });
  }
}

function signalOf(ctx: CodeHostContext): { signal?: AbortSignal } {
  return ctx.signal !== undefined ? { signal: ctx.signal } : {};
}
