import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BareRepo } from './bare-repo.js';
import { GitCommandError } from './git-process.js';
import type { GitRefs } from './git-refs.js';
import type { GitRemote } from './git-remote.js';
import type { GitRunner } from './git-runner.js';

/**
 * cmd/go's fetch policy for one bare repository; the caller holds the repository's write lock.
 *
 * - `fetchOne` fetches just the wanted ref (`<ref>:<ref>`, or `<hash>:refs/dummy` when only
 *   the hash is known), `--depth=1` until the repository has been fetched in full once —
 *   after that, single-ref fetches bring whole history, so it never becomes shallow again.
 * - `fetchAll` fetches every head and tag with full history, unshallowing in the same fetch
 *   (two fetches when git refuses the combination, as git before 2.24 could).
 * - `prefersFullFetch`: once a shallow repository has had one single-ref fetch, the next
 *   version asked for triggers `fetchAll` instead of another shallow fetch. A second version
 *   means more are coming (a go client walking a module graph, a list followed by versions,
 *   pseudo-versions that need history anyway); on a server cache one complete fetch costs
 *   about what one more round trip does and makes every later version local. Measured with
 *   bench/direct: 6 fetches per repository became 2.
 * - Nothing else is ever fetched: commits reachable only from other refs (GitHub pull
 *   requests, Gerrit changes) must not masquerade as versions of the repository.
 */
export class GitFetcher {
  constructor(
    private readonly remote: GitRemote,
    private readonly repo: BareRepo,
    private readonly runner: GitRunner,
  ) {}

  /**
   * Returns the local name to look the commit up by, or undefined when git refused and the
   * caller should fall back to `fetchAll`. Throws on timeouts and aborts.
   */
  async fetchOne(ref: string, hash: string, refs: GitRefs): Promise<string | undefined> {
    let refspec: string;
    let local: string;
    const branch =
      ref === 'HEAD'
        ? [...refs]
            .filter(([k, h]) => k.startsWith('refs/heads/') && h === hash)
            .map(([k]) => k)
            .sort()[0]
        : ref;
    if (branch !== undefined) {
      // Some servers refuse hashes in refspecs; a named ref also makes a tag local.
      refspec = `${branch}:${branch}`;
      local = branch;
    } else {
      // A local name (never used) makes git also fetch the remote tags on that commit.
      refspec = `${hash}:refs/dummy`;
      local = hash;
    }
    const depth = this.repo.complete ? [] : ['--depth=1'];
    try {
      await this.fetch(['fetch', '-f', ...depth, 'origin', refspec]);
      if (depth.length > 0) this.repo.shallowFetches++;
    } catch (err) {
      // Like cmd/go, don't parse why: any refusal falls back to the complete fetch.
      if (err instanceof GitCommandError && err.failure === 'exit') return undefined;
      throw err;
    }
    return local;
  }

  /**
   * All heads and tags with their whole history (cmd/go's fetchRefsLocked); records `digest`
   * (of the refs this answers) so the same complete fetch is not repeated for them.
   */
  async fetchAll(digest: string): Promise<void> {
    const refspecs = ['refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*'];
    let combined = false;
    if (await this.isShallow()) {
      try {
        await this.fetch(['fetch', '-f', '--unshallow', 'origin', ...refspecs]);
        combined = true;
      } catch (err) {
        // git up to 2.23 fails on both at once (go.dev/issue/34266): expand the refs first
        // and unshallow separately, as cmd/go does.
        if (!(err instanceof GitCommandError && err.failure === 'exit')) throw err;
      }
    }
    if (!combined) {
      await this.fetch(['fetch', '-f', 'origin', ...refspecs]);
      if (await this.isShallow()) await this.fetch(['fetch', '--unshallow', '-f', 'origin']);
    }
    this.repo.fullFetchDigest = digest;
    this.repo.complete = true;
  }

  /** Whether the next wanted ref should come with a complete fetch (see the class comment). */
  prefersFullFetch(): boolean {
    return !this.repo.complete && this.repo.shallowFetches > 0;
  }

  private isShallow(): Promise<boolean> {
    return stat(join(this.repo.dir, 'shallow')).then(
      () => true,
      () => false,
    );
  }

  private async fetch(args: string[]): Promise<void> {
    // gc in the foreground, inside our lock and timeout — never a detached gc racing readers.
    await this.runner.run(
      ['-c', 'gc.autoDetach=false', '-c', 'maintenance.autoDetach=false', ...args],
      { class: 'fetch', host: this.remote.host, url: this.remote.url, gitDir: this.repo.dir },
    );
    this.repo.empty = false;
  }
}
