import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ModuleService } from '../service/module-service.js';
import { sendText } from './send-text.js';

/**
 * What /readyz reports besides storage (issue 11 item 5): the state of each upstream's
 * circuit breaker and of each checksum database, from the decorators app wires (app hands an
 * object of this shape to ProxyServer). Messages never contain credentials: they are the
 * upstreams' own error messages, which name URLs without user information.
 */
export interface ReadinessSources {
  upstreams(): readonly {
    upstream: string;
    state: 'closed' | 'open' | 'half_open';
    lastError?: string;
  }[];
  sumdb(): readonly { name: string; ok: boolean; lastError?: string }[];
}

/**
 * The JSON body of /readyz. `ready` is storage alone: an open breaker or an unreachable
 * checksum database does not take modgate out of a load balancer, because what is cached can
 * still be served (and a `|` chain goes on to the next upstream).
 */
export function readinessBody(
  storage: string,
  storageError: string | undefined,
  sources: ReadinessSources | undefined,
): string {
  const body = {
    ready: storageError === undefined,
    storage:
      storageError === undefined
        ? { backend: storage, ok: true }
        : { backend: storage, ok: false, error: storageError },
    upstreams: sources?.upstreams() ?? [],
    sumdb: sources?.sumdb() ?? [],
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** How long one readiness probe answers /readyz for (a burst of checks makes one probe). */
const READY_CACHE_MS = 1000;

export interface ReadinessOptions {
  service: Pick<ModuleService, 'checkReady' | 'storageDescription'>;
  logger: Logger;
  sources?: ReadinessSources | undefined;
}

/** /readyz: the storage probe (shared, see check) and the body above. */
export class Readiness {
  private last: { outcome: Promise<unknown>; settledAt: number | undefined } | undefined;

  constructor(private readonly options: ReadinessOptions) {}

  /** Answers /readyz: 200 when storage is usable, else 503; the JSON body either way. */
  async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const error = await this.check().then(
      () => undefined,
      (err: unknown) => `not usable: ${err instanceof Error ? err.message : String(err)}`,
    );
    const { storageDescription } = this.options.service;
    const body = readinessBody(storageDescription, error, this.options.sources);
    sendText(res, req, error === undefined ? 200 : 503, body, 'json');
  }

  /**
   * One storage probe (disk: a file written and removed) answers every /readyz call made while
   * it runs and for READY_CACHE_MS after: probes and their load balancers poll often, and a
   * burst of calls must not become a burst of writes. A failure is logged once per probe.
   */
  private check(): Promise<unknown> {
    const last = this.last;
    if (
      last !== undefined &&
      (last.settledAt === undefined || performance.now() - last.settledAt < READY_CACHE_MS)
    ) {
      return last.outcome;
    }
    const entry: { outcome: Promise<unknown>; settledAt: number | undefined } = {
      outcome: Promise.resolve(),
      settledAt: undefined,
    };
    entry.outcome = this.options.service
      .checkReady(AbortSignal.timeout(5000))
      .catch((err: unknown) => {
        this.options.logger.warn({ err }, 'readiness check failed');
        throw err;
      })
      .finally(() => (entry.settledAt = performance.now()));
    // Callers may come after it settled; a failure is theirs to see, not an unhandled one.
    entry.outcome.catch(() => undefined);
    this.last = entry;
    return entry.outcome;
  }
}
