import { ModgateError } from '../errors/index.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * An AbortSignal that fires when `outer` does or after `ms`, with a ModgateError of kind
 * `timeout` as the reason (ProxyUpstream's transportError passes such a reason on as is).
 * A plain timer: `stopTimer` clears it (the deadline no longer applies: a zip's answer started
 * in time), `dispose` clears it and stops following `outer` (nothing uses the signal any more).
 */
export function deadlineSignal(
  outer: AbortSignal | undefined,
  ms: number,
  label: string,
): { signal: AbortSignal; reason: ModgateError; stopTimer: () => void; dispose: () => void } {
  const controller = new AbortController();
  const reason = new ModgateError(
    'timeout',
    `upstream ${label}: retries stopped at the request's deadline`,
  );
  // setTimeout takes at most 2^31-1 ms (a larger delay, Infinity included, fires at once).
  const timer = setTimeout(() => controller.abort(reason), Math.min(MAX_TIMER_MS, Math.max(0, ms)));
  const onAbort = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    reason,
    stopTimer: () => clearTimeout(timer),
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}
