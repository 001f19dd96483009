import { notFound, type ModgateError } from '../../../errors/index.js';
import type { RevInfoVcs } from '../code-host.js';
import type { BareRepo } from './bare-repo.js';
import { DEEPEN_STEPS, headBranch, type GitFetcher } from './git-fetcher.js';
import { refsDigest, type GitRefs } from './git-refs.js';
import { isHashLike, isPlainRev } from './git-rev.js';
import type { GitRunner } from './git-runner.js';
import { statLocal } from './stat-local.js';

/**
 * Revision resolution for one git remote in cmd/go's order (codehost/git.go `stat`): a local
 * (abbreviated) hash, a local tag, the remote's `refs/tags/<rev>`, `refs/heads/<rev>`,
 * `HEAD`, a unique hex prefix of a ref's hash (two different hashes: "ambiguous revision"),
 * else "unknown revision" (`not-found`). What the local repository lacks is fetched with the
 * GitFetcher's policy, under the repository's write lock: a ref's commit alone (`--depth=1`,
 * as cmd/go), a hash no ref points at by deepening the default branch step by step (cmd/go
 * fetches everything at once), and every head and tag with history as the last resort.
 */
export class RevisionResolver {
  constructor(
    private readonly description: string,
    private readonly repo: BareRepo,
    private readonly runner: GitRunner,
    private readonly fetcher: GitFetcher,
    /** The remote's refs, from a recent ls-remote. */
    private readonly refs: () => Promise<GitRefs>,
  ) {}

  /**
   * What `rev` names, fetching what is needed. Not cancellable: the answer is shared by
   * everyone who asks meanwhile (GitCodeHost.stat). git's own failures are thrown unmapped.
   */
  async resolve(rev: string): Promise<RevInfoVcs> {
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
    // A tag: announced while we wait for the lock, so that a tag fetch before ours brings it.
    const withdraw =
      ref?.startsWith('refs/tags/') === true && hash !== undefined
        ? this.fetcher.want(ref, hash)
        : undefined;
    try {
      return await this.fetchAndStat(rev, want, ref, hash, refs, didStatLocal);
    } finally {
      withdraw?.();
    }
  }

  /** resolve's second half: under the write lock, fetch what is missing and look it up. */
  private fetchAndStat(
    rev: string,
    want: string,
    ref: string | undefined,
    hash: string | undefined,
    refs: GitRefs,
    didStatLocal: boolean,
  ): Promise<RevInfoVcs> {
    return this.repo.lock.withWrite(async () => {
      // Someone may have fetched what we need while we waited for the lock (unless nothing
      // was ever fetched: a git process saved).
      if (!didStatLocal && hash !== undefined && !this.repo.empty) {
        const info = await this.statLocal(want, hash);
        if (info) return this.withLocalTag(info, ref, hash, want);
      }
      const digest = refsDigest(refs);
      if (this.repo.fullFetchDigest !== digest) {
        if (ref !== undefined && hash !== undefined) {
          const local = await this.fetcher.fetchOne(ref, hash, refs);
          const info = local === undefined ? null : await this.statLocal(want, local);
          if (info) return withRef(info, ref);
        } else if (ref === undefined && rev.length >= DEEPEN_MIN_DIGITS) {
          const info = await this.deepenDefaultBranch(want, refs);
          if (info) return info;
        }
        await this.fetcher.fetchAll(digest);
      }
      const info = await this.statLocal(want, want);
      if (!info) throw this.unknownRevision(rev);
      return withRef(info, ref);
    });
  }

  /**
   * A hash that no ref points at (a pseudo-version's commit, usually on the default branch):
   * the default branch's history, deepened step by step, before cmd/go's complete fetch. Only
   * the default branch: whatever it brings is reachable from a head. The caller holds the
   * write lock.
   */
  private async deepenDefaultBranch(want: string, refs: GitRefs): Promise<RevInfoVcs | null> {
    const branch = headBranch(refs, refs.get('HEAD'));
    if (branch === undefined || this.repo.complete) return null;
    for (const depth of DEEPEN_STEPS) {
      if (!(await this.fetcher.deepen(branch, depth))) return null;
      const info = await this.statLocal(want, want);
      if (info) return info;
      const tip = refs.get(branch);
      if (tip !== undefined && (await this.fetcher.historyComplete(tip))) return null;
    }
    return null;
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
      await this.runner.run(['tag', ref.slice('refs/tags/'.length), hash], {
        class: 'local',
        gitDir: this.repo.dir,
      });
    } catch {
      return withRef(info, ref);
    }
    return withRef((await this.statLocal(want, hash)) ?? info, ref);
  }

  private unknownRevision(rev: string): ModgateError {
    return notFound(`${this.description}: unknown revision ${rev}`);
  }
}

/**
 * Abbreviated hashes at least this long are looked for in partial history: shorter ones could
 * be ambiguous in the whole history while unique in part of it (cmd/go's pseudo-versions
 * carry 12 digits).
 */
const DEEPEN_MIN_DIGITS = 12;

/** `info` with the ref it was found through (unless the ref is the hash itself). */
export function withRef(info: RevInfoVcs, ref: string | undefined): RevInfoVcs {
  return ref !== undefined && ref !== info.name ? { ...info, ref } : info;
}
