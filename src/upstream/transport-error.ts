import { errors as undiciErrors } from 'undici';
import { ModgateError } from '../errors/index.js';

/**
 * A failure to get an answer from an upstream (before its headers), as a ModgateError whose
 * message names `label` and says what happened in words, with the code: `timeout` for an
 * aborted or timed-out exchange or connect, `upstream` for everything else. A ModgateError
 * passes through unchanged.
 */
export function transportError(err: unknown, label: string, signal?: AbortSignal): ModgateError {
  if (err instanceof ModgateError) return err;
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof ModgateError) return reason;
    if (reason instanceof Error && reason.name === 'TimeoutError') {
      return new ModgateError('timeout', `${label}: timed out`, { cause: err });
    }
    return new ModgateError('timeout', `${label}: request aborted`, { cause: err });
  }
  if (err instanceof undiciErrors.ConnectTimeoutError) {
    return new ModgateError('timeout', `${label}: connect timed out`, { cause: err });
  }
  if (err instanceof Error && /^Proxy response \(\d+\)/.test(err.message)) {
    const status = /\((\d+)\)/.exec(err.message)?.[1] ?? '?';
    const why = status === '407' ? ' (proxy authentication required or refused)' : '';
    return new ModgateError('upstream', `${label}: the proxy answered ${status}${why}`, {
      cause: err,
    });
  }
  const code = (err as { code?: unknown }).code;
  const detail =
    typeof code === 'string' ? describeCode(code) : err instanceof Error ? err.message : 'error';
  return new ModgateError('upstream', `${label}: ${detail}`, { cause: err });
}

/** What an operator should read for the usual connection failures; the code stays in it. */
const CODE_TEXT: Record<string, string> = {
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (temporary DNS failure)',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the other side',
  UND_ERR_BODY_TIMEOUT: 'the body stopped arriving',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'response body cut short',
};

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Words for a failure's code, e.g. "connection reset (ECONNRESET)"; `message (code)` else. */
export function describeCode(code: string, message?: string): string {
  if (TLS_CODES.has(code)) {
    return (
      `TLS certificate not accepted (${code}); if a proxy or a private CA signs this ` +
      'certificate, give modgate its CA file with NODE_EXTRA_CA_CERTS'
    );
  }
  const text = CODE_TEXT[code];
  if (text !== undefined) return `${text} (${code})`;
  return message === undefined || message === '' ? code : `${message} (${code})`;
}
