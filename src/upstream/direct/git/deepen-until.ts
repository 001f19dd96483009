import type { BareRepo } from './bare-repo.js';
import { DEEPEN_STEPS, type GitFetcher } from './git-fetcher.js';
import { withSignal } from './with-signal.js';

/**
 * `settled`: the local history answers the question; `whole`: the history behind the commit is
 * all local (the local answer is final); `exhausted`: the steps ran out or git refused (the
 * caller goes on to the complete fetch).
 */
export type DeepenOutcome = 'settled' | 'whole' | 'exhausted';

/**
 * Deepens the history behind the local commit `hash` step by step (DEEPEN_STEPS, each fetch
 * under the repository's write lock) until `settled()` says what is local answers the question
 * (an ancestry or tag question: GitCodeHost.descendsFrom, recentTag). A repository fetched in
 * full is `exhausted` at once: only the complete fetch, for refs that changed since, can add
 * anything. git's failures are thrown unmapped; `signal` ends the wait, not the shared fetch.
 */
export async function deepenUntil(
  repo: BareRepo,
  fetcher: GitFetcher,
  hash: string,
  signal: AbortSignal | undefined,
  settled: () => Promise<boolean>,
): Promise<DeepenOutcome> {
  await withSignal(repo.open(), signal);
  if (repo.complete) return 'exhausted';
  for (const depth of DEEPEN_STEPS) {
    const job = repo.lock.withWrite(async () => {
      if (await fetcher.historyComplete(hash)) return 'whole' as const;
      return (await fetcher.deepen(hash, depth)) ? ('deeper' as const) : ('refused' as const);
    });
    const step = await withSignal(job, signal);
    if (step === 'whole') return 'whole';
    if (step === 'refused') return 'exhausted';
    if (await settled()) return 'settled';
  }
  const whole = repo.lock.withRead(() => fetcher.historyComplete(hash));
  return (await withSignal(whole, signal)) ? 'whole' : 'exhausted';
}
