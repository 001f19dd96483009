import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BareRepo } from './bare-repo.js';
import { GitCommandError } from './git-process.js';
import type { GitRefs } from './git-refs.js';
import type { GitRemote } from './git-remote.js';
import type { GitRunner } from './git-runner.js';
import { refetchWhole } from './refetch-whole.js';

/**
 * How far history is deepened, step by step, before the complete fetch: commits behind the
 * wanted one. A pseudo-version's commit or the tag it builds on is usually within the first
 * step; the second covers long-lived branches. Past that, a complete fetch costs about what
 * another step would.
 */
export const DEEPEN_STEPS: readonly number[] = [64, 1024];

/** Tags on one commit named in its fetch; beyond that, git's tag following finds them. */
const MAX_NAMED_TAGS = 256;

/** Tags asked for by others that one shallow tag fetch brings along, at most. */
const MAX_BATCH = 32;

/** Fetches between two `gc --auto` (git's own checks after every fetch are turned off). */
const GC_EVERY = 32;

/** Blob ids per fetch (about 41 bytes each on the command line). */
const BLOBS_PER_FETCH = 2000;

/**
 * The fetch policy for one bare repository, which fetches no more than the go command would
 * (cmd/go's codehost/git.go) and often less; the caller holds the repository's write lock.
 *
 * - `fetchOne` fetches just the wanted ref (`<ref>:<ref>`, or `<hash>:refs/dummy` when only
 *   the hash is known), `--depth=1` until the repository has been fetched in full once —
 *   after that, single-ref fetches bring whole history, so it never becomes shallow again.
 *   Every tagged version is one such fetch, as in cmd/go: on a monorepo with gigabytes of
 *   history that is a few megabytes, where a complete fetch is all of it.
 * - `deepen` brings the history behind a commit known to be reachable from a head or tag, to
 *   a given depth (DEEPEN_STEPS): what branch and hash queries and pseudo-versions need
 *   (is this tag an ancestor? which tags precede this commit?) is usually close by. cmd/go
 *   fetches everything for those at once.
 * - `fetchAll` fetches every head and tag with full history, unshallowing in the same fetch
 *   (two fetches when git refuses the combination, as git before 2.24 could): the last
 *   resort, as in cmd/go. It fails where any head's history cannot be sent (a broken mirror),
 *   which the steps before it never touch.
 * - Nothing else is ever fetched: commits reachable only from other refs (GitHub pull
 *   requests, Gerrit changes) must not masquerade as versions of the repository. Every fetch
 *   names a destination ref, so that git also brings the tags on the commits it receives
 *   (its tag following), as cmd/go relies on.
 */
export class GitFetcher {
  /** Fetches started so far (whoever looked before one may look again). */
  fetches = 0;
  /** Fetches since the last `gc --auto`. */
  private sinceGc = 0;
  /** Tags (ref → commit) callers waiting for the lock will fetch (`want`). */
  private readonly wanted = new Map<string, string>();
  /** Blob fetches under way (`fetchBlobs`), and who waits for them all to end (gc). */
  private blobFetches = 0;
  private readonly blobsDone: Array<() => void> = [];
  /** A `gc --auto` under way: blob fetches wait for it. */
  private gcRun: Promise<void> | undefined;

  constructor(
    private readonly remote: GitRemote,
    private readonly repo: BareRepo,
    private readonly runner: GitRunner,
    /** Whether the server serves partial clones now (its last ls-remote said so). */
    private readonly partialClone: () => boolean = () => false,
  ) {}

  /**
   * Returns the local name to look the commit up by, or undefined when git refused and the
   * caller should fall back to `fetchAll`. Throws on timeouts and aborts.
   */
  async fetchOne(ref: string, hash: string, refs: GitRefs): Promise<string | undefined> {
    const branch = ref === 'HEAD' ? headBranch(refs, hash) : ref;
    let refspec: string;
    let local: string;
    if (branch !== undefined) {
      // Some servers refuse hashes in refspecs; a named ref also makes a tag local.
      refspec = `${branch}:${branch}`;
      local = branch;
    } else {
      // A local name (never used) makes git also fetch the remote tags on that commit.
      refspec = `${hash}:refs/dummy`;
      local = hash;
    }
    if (this.repo.complete) {
      return (await this.tryFetch(['fetch', '-f', ...this.filter(), 'origin', refspec]))
        ? local
        : undefined;
    }
    // One commit: instead of git's tag following, which lists every tag of the remote on
    // each fetch (thousands on a monorepo), the tags on that commit are named (what tag
    // following would bring for it), unless there are very many.
    const own = [refspec, ...tagsAt(refs, hash, branch)];
    if (own.length > MAX_NAMED_TAGS) {
      const args = ['fetch', '-f', ...this.filter(), '--depth=1', 'origin', refspec];
      return (await this.tryFetch(args)) ? local : undefined;
    }
    // Without blobs, no negotiation either: what the server would leave out for our commits is
    // a few trees (a commit and its trees are what a shallow filtered fetch sends), while the
    // rounds of `have` lines grow with every tag fetched so far (measured on bench/monorepo:
    // about a fifth of each tag fetch). With blobs, negotiation spares whole files: kept.
    const filter = this.filter();
    const noop = filter.length > 0 ? ['-c', 'fetch.negotiationAlgorithm=noop'] : [];
    const shallow = (refspecs: string[]): string[] => [
      ...noop,
      'fetch',
      '-f',
      ...filter,
      '--no-tags',
      '--depth=1',
      'origin',
      ...refspecs,
    ];
    // Tags that callers waiting for the lock will fetch come along (one fetch for several
    // versions asked at once); if that fails (a tag gone meanwhile), this one alone.
    const batch = new Set(own);
    if (branch?.startsWith('refs/tags/') === true) {
      for (const [r, h] of [...this.wanted].slice(0, MAX_BATCH)) {
        const more = [`${r}:${r}`, ...tagsAt(refs, h, r)];
        if (batch.size + more.length > MAX_NAMED_TAGS) break;
        for (const m of more) batch.add(m);
      }
    }
    if (batch.size > own.length && (await this.tryFetch(shallow([...batch])))) return local;
    return (await this.tryFetch(shallow(own))) ? local : undefined;
  }

  /**
   * Announces a tag a caller waiting for the repository's lock is about to fetch (its commit
   * `hash`): a shallow tag fetch before it brings it along. Returns the withdrawal.
   */
  want(ref: string, hash: string): () => void {
    this.wanted.set(ref, hash);
    return () => {
      if (this.wanted.get(ref) === hash) this.wanted.delete(ref);
    };
  }

  /**
   * Fetches blobs a partial clone left out, by id, in as few fetches as the command line
   * allows (no ref changes, no tags). Throws git's failure unmapped: a server that refused a
   * filter does not get here (its fetches brought every blob).
   *
   * The caller need not hold the repository's write lock: a fetch of blobs by id changes no
   * ref and no shallow boundary (no `--depth`; the server sends no shallow information
   * without one) and writes only a new pack of its own, so it runs beside a ref fetch and
   * beside other blob fetches — on a monorepo, the blobs of one version arrive while the
   * next version's tag is fetched. Only `gc` is kept apart from it (`gcIfDue`), since a
   * repack must not run while a pack is being written.
   */
  async fetchBlobs(oids: readonly string[], commit?: string): Promise<void> {
    while (this.gcRun !== undefined) await this.gcRun.catch(() => undefined);
    this.blobFetches++;
    try {
      for (let i = 0; i < oids.length; i += BLOBS_PER_FETCH) {
        const some = oids.slice(i, i + BLOBS_PER_FETCH);
        try {
          // No negotiation: the commits we have do not stand for their blobs here (git's own
          // lazy fetch does the same).
          await this.fetch(
            [
              '-c',
              'fetch.negotiationAlgorithm=noop',
              'fetch',
              '--no-tags',
              '--no-write-fetch-head',
              '--recurse-submodules=no',
              '--filter=blob:none',
              'origin',
              ...some,
            ],
            false,
          );
        } catch (err) {
          if (!(commit !== undefined && err instanceof GitCommandError && err.failure === 'exit')) {
            throw err;
          }
          // The server refuses objects by id (a v0 server without
          // uploadpack.allowAnySHA1InWant: the repository became partial while it served v2):
          // the commit's whole tree instead, once for every blob.
          this.repo.grown = true;
          this.fetches++;
          this.sinceGc++;
          await refetchWhole(this.runner, this.repo.dir, this.remote, commit, this.runOptions());
          return;
        }
      }
    } finally {
      if (--this.blobFetches === 0) for (const wake of this.blobsDone.splice(0)) wake();
    }
  }

  /** Enough fetches happened since the last `gc --auto` for another (`gcIfDue`). */
  get gcDue(): boolean {
    return this.sinceGc >= GC_EVERY;
  }

  /**
   * `git gc --auto` when GC_EVERY fetches happened since the last: in the foreground, under
   * the repository's write lock (the caller holds it), once the blob fetches under way have
   * ended; blob fetches asked for meanwhile wait for it.
   */
  async gcIfDue(): Promise<void> {
    if (!this.gcDue) return;
    this.sinceGc = 0;
    const run = (async () => {
      while (this.blobFetches > 0) await new Promise<void>((r) => this.blobsDone.push(r));
      await this.runner.run(
        ['-c', 'gc.autoDetach=false', ...this.promisor(), 'gc', '--auto', '--quiet'],
        this.runOptions(),
      );
    })();
    this.gcRun = run;
    try {
      await run;
    } finally {
      if (this.gcRun === run) this.gcRun = undefined;
    }
  }

  /**
   * Fetches `depth` commits of history behind `target` — a ref name (`refs/heads/main`,
   * fetched under its own name) or a full hash already known to be reachable from a head or
   * tag. False when git refused (a server that refuses hashes it does not advertise): the
   * caller goes on to `fetchAll`. A repository fetched in full needs no deepening.
   */
  async deepen(target: string, depth: number): Promise<boolean> {
    if (this.repo.complete) return true;
    const refspec = target.startsWith('refs/') ? `${target}:${target}` : `${target}:refs/dummy`;
    return this.tryFetch(['fetch', '-f', ...this.filter(), `--depth=${depth}`, 'origin', refspec]);
  }

  /**
   * Whether the local history behind `hash` (a local commit) is whole: no shallow boundary
   * among its ancestors. Then "not an ancestor" and "no tag precedes it" are final answers.
   */
  async historyComplete(hash: string): Promise<boolean> {
    if (this.repo.complete) return true;
    const boundary = await this.shallowCommits();
    if (boundary.size === 0) return true;
    const out = await this.runner.run(['rev-list', hash, '--'], {
      class: 'local',
      gitDir: this.repo.dir,
    });
    for (const line of out.stdout.toString('utf8').split('\n')) {
      if (boundary.has(line.trim())) return false;
    }
    return true;
  }

  /**
   * All heads and tags with their whole history (cmd/go's fetchRefsLocked); records `digest`
   * (of the refs this answers) so the same complete fetch is not repeated for them.
   */
  async fetchAll(digest: string): Promise<void> {
    const refspecs = ['refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*'];
    let combined = false;
    if ((await this.shallowCommits()).size > 0) {
      try {
        await this.fetch(['fetch', '-f', '--unshallow', ...this.filter(), 'origin', ...refspecs]);
        combined = true;
      } catch (err) {
        // git up to 2.23 fails on both at once (go.dev/issue/34266): expand the refs first
        // and unshallow separately, as cmd/go does.
        if (!(err instanceof GitCommandError && err.failure === 'exit')) throw err;
      }
    }
    if (!combined) {
      await this.fetch(['fetch', '-f', ...this.filter(), 'origin', ...refspecs]);
      if ((await this.shallowCommits()).size > 0) {
        await this.fetch(['fetch', '--unshallow', '-f', ...this.filter(), 'origin']);
      }
    }
    this.repo.fullFetchDigest = digest;
    this.repo.complete = true;
  }

  /**
   * `--filter=blob:none` when the server serves partial clones: commits and trees only; the
   * blobs a read needs are fetched by id before it (GitBlobs). Once a repository is partial
   * it stays so (its older commits lack blobs), whatever the server says later.
   */
  private filter(): string[] {
    return this.repo.partial || this.partialClone() ? ['--filter=blob:none'] : [];
  }

  /** The commits whose parents are cut off (git's `shallow` file); empty when none. */
  private async shallowCommits(): Promise<Set<string>> {
    const text = await readFile(join(this.repo.dir, 'shallow'), 'utf8').catch(() => '');
    return new Set(text.split('\n').filter((l) => l !== ''));
  }

  /** A fetch whose refusal (a non-zero exit) is an answer, not an error. */
  private async tryFetch(args: string[]): Promise<boolean> {
    try {
      await this.fetch(args);
      return true;
    } catch (err) {
      // Like cmd/go, don't parse why: any refusal falls back to the complete fetch.
      if (err instanceof GitCommandError && err.failure === 'exit') return false;
      throw err;
    }
  }

  /**
   * Runs one fetch. A fetch of refs (`exclusive`, the caller holding the write lock) runs
   * `gc --auto` after it when due; a blob fetch (`fetchBlobs`, beside others) never does.
   */
  private async fetch(args: string[], exclusive = true): Promise<void> {
    this.repo.grown = true; // (a failed fetch may leave objects too)
    this.fetches++;
    if (args.includes('--filter=blob:none')) this.repo.partial = true;
    // No maintenance process after every fetch (a partial clone fetches twice per version):
    // `gc --auto` every GC_EVERY fetches instead, in the foreground, inside our lock and
    // timeout — never a detached gc racing readers.
    await this.runner.run(
      ['-c', 'maintenance.auto=false', ...this.promisor(), ...args],
      this.runOptions(),
    );
    this.repo.empty = false;
    this.sinceGc++;
    if (exclusive) await this.gcIfDue();
  }

  /**
   * The remote is a promisor (the one that may leave objects out) for fetches alone, never in
   * the repository's config: git's own fetch (and the gc it runs) must know that objects are
   * missing on purpose, but local commands must not fetch what they miss (keepOffline in
   * git-runner.ts). Given this way, git does not write it to the config.
   */
  private promisor(): string[] {
    return this.repo.partial
      ? ['-c', 'remote.origin.promisor=true', '-c', 'remote.origin.partialclonefilter=blob:none']
      : [];
  }

  private runOptions() {
    return {
      class: 'fetch' as const,
      host: this.remote.host,
      url: this.remote.url,
      gitDir: this.repo.dir,
    };
  }
}

/** Refspecs of the remote's tags on commit `hash` other than `except`. */
function tagsAt(refs: GitRefs, hash: string, except: string | undefined): string[] {
  return [...refs]
    .filter(([k, h]) => h === hash && k.startsWith('refs/tags/') && k !== except)
    .map(([k]) => `${k}:${k}`);
}

/** The branch HEAD names (the first by name among those at its commit), if any. */
export function headBranch(refs: GitRefs, hash: string | undefined): string | undefined {
  if (hash === undefined) return undefined;
  return [...refs]
    .filter(([k, h]) => k.startsWith('refs/heads/') && h === hash)
    .map(([k]) => k)
    .sort()[0];
}
