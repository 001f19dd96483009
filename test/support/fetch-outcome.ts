import { request } from 'node:http';

/** Everything a client saw of one request, including a connection cut mid-body. */
export interface FetchOutcome {
  /** 0 when no response head arrived. */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body bytes received (all of them, or those before the cut). */
  body: Buffer;
  /** True when the body ended properly; false after a reset, a cut or the client's timeout. */
  complete: boolean;
  /** Why it did not complete. */
  error?: string;
  /** Milliseconds from sending the request to the end (or the failure). */
  ms: number;
}

/**
 * A curl-like GET that never throws: the outcome says what arrived and how it ended. The
 * client gives up after `timeoutMs` (default 60 s) so that a hang fails an assertion instead
 * of the whole run.
 */
export function fetchOutcome(
  baseUrl: string,
  path: string,
  opts: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<FetchOutcome> {
  const url = new URL(baseUrl);
  const started = Date.now();
  return new Promise((resolve) => {
    let status = 0;
    let headers: FetchOutcome['headers'] = {};
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (complete: boolean, error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const outcome: FetchOutcome = {
        status,
        headers,
        body: Buffer.concat(chunks),
        complete,
        ms: Date.now() - started,
      };
      if (error !== undefined) outcome.error = error;
      resolve(outcome);
    };
    const req = request(
      { host: url.hostname, port: url.port, path, headers: opts.headers, agent: false },
      (res) => {
        status = res.statusCode ?? 0;
        headers = res.headers;
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish(res.complete, res.complete ? undefined : 'incomplete body'));
        res.on('error', (err) => finish(false, err.message));
        res.on('close', () => finish(res.complete, res.complete ? undefined : 'connection cut'));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish(false, 'client timeout');
    }, opts.timeoutMs ?? 60_000);
    req.on('error', (err) => finish(false, err.message));
    req.end();
  });
}

/** The status and the start of the body, for assertion messages. */
export function describeOutcome(o: FetchOutcome): string {
  const text = o.body
    .subarray(0, 400)
    .toString('utf8')
    .replace(/[^\x20-\x7e\n]/g, '.');
  return `status ${o.status}, ${o.body.length} bytes, ${o.complete ? 'complete' : `cut (${o.error})`}, ${o.ms} ms: ${text}`;
}
