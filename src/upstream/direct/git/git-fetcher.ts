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
 * - `fetchAll` fetches every head and tag with full history, then unshallows.
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
    // Expand the refs first and unshallow separately: git up to 2.23 mishandles both at once.
    await this.fetch([
      'fetch',
      '-f',
      'origin',
      'refs/heads/*:refs/heads/*',
      'refs/tags/*:refs/tags/*',
    ]);
    const shallow = await stat(join(this.repo.dir, 'shallow')).then(
      () => true,
      () => false,
    );
    if (shallow) await this.fetch(['fetch', '--unshallow', '-f', 'origin']);
    this.repo.fullFetchDigest = digest;
    this.repo.complete = true;
  }

  private fetch(args: string[]): Promise<unknown> {
    // gc in the foreground, inside our lock and timeout — never a detached gc racing readers.
    return this.runner.run(
      ['-c', 'gc.autoDetach=false', '-c', 'maintenance.autoDetach=false', ...args],
      { class: 'fetch', host: this.remote.host, url: this.remote.url, gitDir: this.repo.dir },
    );
  }
}
