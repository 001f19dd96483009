import { ModgateError } from '../../errors/index.js';

/** File-system error codes that mean "no such key" for a read or a delete. */
const MISSING_CODES = new Set(['ENOENT', 'ENOTDIR']);

/**
 * Codes that mean the storage cannot serve right now (full, read-only, permissions, I/O,
 * out of descriptors) rather than a bug: `unavailable`, so /readyz and 503 tell the operator.
 */
const UNAVAILABLE_CODES = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EMFILE',
  'ENFILE',
  'EBUSY',
  'EAGAIN',
  'ESTALE',
]);

export function errnoCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function isMissing(err: unknown): boolean {
  const code = errnoCode(err);
  return code !== undefined && MISSING_CODES.has(code);
}

/**
 * Converts a file-system failure of `op` on `key` into a ModgateError with the cause attached
 * and a message naming both; a ModgateError passes through unchanged.
 */
export function diskError(op: string, key: string, err: unknown): ModgateError {
  if (err instanceof ModgateError) return err;
  const code = errnoCode(err);
  const kind = code !== undefined && UNAVAILABLE_CODES.has(code) ? 'unavailable' : 'internal';
  const reason = err instanceof Error ? err.message : String(err);
  return new ModgateError(kind, `disk storage: ${op} ${key}: ${reason}`, { cause: err });
}
