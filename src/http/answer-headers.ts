import type { Answer } from '../service/answer.js';

const CONTENT_TYPE = {
  list: 'text/plain; charset=utf-8',
  latest: 'application/json',
  info: 'application/json',
  mod: 'text/plain; charset=utf-8',
  zip: 'application/zip',
} as const;

/**
 * Serialised headers per answer object. The service's cached answers are frozen and shared by
 * every request for the same file, so their headers are built once: a serialisation memo,
 * not a cache of its own — an entry lives exactly as long as the service keeps the answer
 * (a WeakMap), and a changed answer (a list's max-age counting down) is a new object.
 */
const memo = new WeakMap<Answer, string[]>();

/**
 * The response headers of `answer` for `writeHead`, as a flat name/value array with
 * `x-request-id` first: its value (index 1) is the caller's to set for each request just
 * before writing (writeHead copies the array synchronously).
 */
export function answerHeaders(answer: Answer): string[] {
  let headers = memo.get(answer);
  if (headers === undefined) {
    headers = serialise(answer);
    memo.set(answer, headers);
  }
  return headers;
}

function serialise(a: Answer): string[] {
  const h = [
    'x-request-id',
    '',
    'content-type',
    CONTENT_TYPE[a.kind],
    'cache-control',
    a.immutable ? `public, max-age=${a.maxAge}, immutable` : `public, max-age=${a.maxAge}`,
  ];
  if (a.etag !== undefined && a.lastModified !== undefined) {
    h.push('etag', a.etag, 'last-modified', a.lastModified.toUTCString(), 'accept-ranges', 'bytes');
  }
  h.push('x-modgate-cache', a.cache);
  if (a.cache === 'stale') {
    // RFC 7234 warn-code 111: the refresh failed, this is the last good copy.
    h.push('warning', '111 modgate "Revalidation Failed"');
    if (a.staleReason) h.push('x-modgate-stale-reason', headerSafe(a.staleReason));
  }
  if (a.offline !== undefined) h.push('x-modgate-offline', a.offline);
  if (a.status === 206 && a.range !== undefined) {
    h.push('content-range', `bytes ${a.range.start}-${a.range.end}/${a.total ?? '*'}`);
  } else if (a.status === 416) {
    h.push('content-range', `bytes */${a.total ?? '*'}`);
  }
  if (a.size !== undefined && a.status !== 304) h.push('content-length', String(a.size));
  return h;
}

function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, ' ').slice(0, 300);
}
