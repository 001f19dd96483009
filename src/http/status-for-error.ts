import { errorKind, type ErrorKind } from '../errors/index.js';

const STATUS: Record<ErrorKind, number> = {
  'not-found': 404,
  gone: 410,
  invalid: 400,
  forbidden: 403,
  upstream: 502,
  timeout: 504,
  'too-large': 502,
  checksum: 502,
  unavailable: 503,
  internal: 500,
};

/**
 * The one mapping from error kinds to HTTP statuses (DESIGN §4): 404/410 let a go client fall
 * through a `,` GOPROXY list, 403 stops it, upstream trouble is 502/504 so that `|` falls
 * through and `,` stops.
 */
export function statusForError(err: unknown): number {
  return STATUS[errorKind(err)];
}
