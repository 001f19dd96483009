import { ModgateError } from '../errors/index.js';
import { redactUrl } from '../protocol/redact-url.js';

/** What the validator is asked about: a module version about to be stored. */
export interface VersionToValidate {
  readonly module: string;
  readonly version: string;
  /** The zip's `h1:` hash (as go.sum records it). */
  readonly h1: string;
  /** The go.mod's `h1:` hash (the `/go.mod` line of go.sum). */
  readonly go_mod_h1: string;
}

/** The validator's verdict: allowed, vetoed with a reason, or no verdict (fail-open). */
export type Verdict =
  | { readonly allow: true; readonly unverified?: string | undefined }
  | { readonly allow: false; readonly reason: string };

export interface ValidatorClientOptions {
  /** `validator.url`: POSTed the JSON of VersionToValidate. */
  readonly url: string;
  /** `validator.timeout`: the bound of one call, answer body included. */
  readonly timeoutMs: number;
  /** `validator.fail_open`: allow (true) or refuse for now (false) without a verdict. */
  readonly failOpen: boolean;
  /** A fetch of its own (tests); default the global one. */
  readonly fetch?: typeof fetch;
}

/** The longest reason kept from a validator's answer (it becomes a 403's body). */
const MAX_REASON = 1000;

/**
 * The client of the validator hook (`validator.*`, issue 14 item 3): one POST per new module
 * version, with its hashes, before it is stored; the answer decides.
 *
 * Protocol (docs/block-lists.md): a 2xx answer allows the version, unless its body is JSON
 * `{"allow": false, "reason": "..."}`; a 4xx (or other non-2xx, non-5xx) answer vetoes it,
 * its text the reason. A 5xx, a network failure or no complete answer within `timeoutMs` is
 * no verdict: `failOpen` allows the version (the verdict says why, for the log), otherwise the
 * call throws `upstream` (502: nothing stored, the next request asks again).
 *
 * Nothing here remembers a verdict; the gate decides how long a veto is replayed.
 */
export class ValidatorClient {
  private readonly fetch: typeof fetch;
  private readonly shown: string;
  private readonly target: string;
  private readonly headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/plain',
  };

  constructor(private readonly options: ValidatorClientOptions) {
    this.fetch = options.fetch ?? fetch;
    this.shown = redactUrl(options.url);
    // Credentials in the URL become Basic authentication (fetch refuses them in URLs).
    const url = new URL(options.url);
    if (url.username !== '' || url.password !== '') {
      const user = decodeURIComponent(url.username);
      const pass = decodeURIComponent(url.password);
      this.headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    this.target = url.href;
  }

  async validate(version: VersionToValidate, signal?: AbortSignal): Promise<Verdict> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const bound = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    let status: number;
    let text: string;
    try {
      const res = await this.fetch(this.target, {
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify(version),
        signal: bound,
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (signal?.aborted === true) throw signal.reason;
      const why = timeout.aborted
        ? `no answer within ${this.options.timeoutMs} ms`
        : err instanceof Error
          ? err.cause instanceof Error
            ? err.cause.message
            : err.message
          : String(err);
      return this.noVerdict(version, `validator ${this.shown} unreachable: ${why}`);
    }
    if (status >= 500) {
      return this.noVerdict(version, `validator ${this.shown} failed: ${status} ${clean(text)}`);
    }
    if (status < 200 || status >= 300) {
      return { allow: false, reason: clean(text) || `the validator answered ${status}` };
    }
    const veto = jsonVeto(text);
    return veto === undefined ? { allow: true } : { allow: false, reason: veto };
  }

  private noVerdict(version: VersionToValidate, why: string): Verdict {
    if (this.options.failOpen) return { allow: true, unverified: why };
    throw new ModgateError(
      'upstream',
      `${version.module}@${version.version}: ${why}; not stored (validator.fail_open is false), try again later`,
    );
  }
}

/** The reason of a `{"allow": false, "reason": …}` body, else undefined (allowed). */
function jsonVeto(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { allow, reason } = parsed as { allow?: unknown; reason?: unknown };
  if (allow !== false) return undefined;
  return (typeof reason === 'string' ? clean(reason) : '') || 'refused by the validator';
}

/** One line of printable text, bounded: it is sent to clients as an error body. */
function clean(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const printable = line.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > MAX_REASON ? printable.slice(0, MAX_REASON) + '...' : printable;
}
