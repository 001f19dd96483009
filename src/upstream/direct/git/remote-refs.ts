import type { GitRefs } from './git-refs.js';
import type { GitRemote } from './git-remote.js';
import type { GitRunner } from './git-runner.js';
import { lsRemote, type RemoteAdvertisement } from './ls-remote.js';
import { SharedAnswers } from './shared-answers.js';

/** How often a server's capabilities (partial clone) are looked at again: 10 minutes. */
const CAPABILITIES_TTL_MS = 10 * 60_000;

/**
 * One remote's refs from `git ls-remote`, reused for `ttlMs` (failures too: a burst against
 * a missing repository also costs one ls-remote); concurrent callers share one call. Whether
 * the server serves partial clones is looked at on the first ls-remote and then every
 * CAPABILITIES_TTL_MS (it changes rarely, and reading it costs a packet trace).
 */
export class RemoteRefs {
  /** The server serves partial clones, as an ls-remote showed (ls-remote.ts). */
  partialClone = false;
  private capabilitiesAt = Number.NEGATIVE_INFINITY;
  private readonly answers: SharedAnswers<RemoteAdvertisement>;

  constructor(
    private readonly runner: GitRunner,
    private readonly remote: GitRemote,
    ttlMs: number,
    private readonly now: () => number,
  ) {
    // (One answer, so the byte bound is only a formality.)
    this.answers = new SharedAnswers({ ttlMs, keepFailures: true, maxBytes: 4096, now });
  }

  /** The refs of a recent ls-remote (shared; not cancellable). */
  async get(): Promise<GitRefs> {
    const answer = await this.answers.get('', () => {
      const now = this.now();
      const look = now - this.capabilitiesAt >= CAPABILITIES_TTL_MS;
      if (look) this.capabilitiesAt = now;
      return lsRemote(this.runner, this.remote, look);
    });
    if (answer.partialClone !== undefined) this.partialClone = answer.partialClone;
    return answer.refs;
  }

  /** Takes a fresh ls-remote answer obtained elsewhere (a probe), unless one is pending. */
  prime(answer: RemoteAdvertisement): void {
    this.answers.prime('', answer);
    if (answer.partialClone !== undefined) {
      this.partialClone = answer.partialClone;
      this.capabilitiesAt = this.now();
    }
  }
}
