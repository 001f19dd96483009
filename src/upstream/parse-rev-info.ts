import { ModgateError } from '../errors/index.js';
import { canonicalVersion } from '../module/index.js';
import type { RevInfo } from './upstream.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Validates an `.info` / `@latest` body from an upstream (cmd/go's RevInfo): a JSON object
 * whose `Version` is a canonical version and whose optional `Time` is RFC 3339. The original
 * bytes are kept, so `Origin` and other fields pass through unchanged.
 */
export function parseRevInfo(raw: Buffer, label: string): RevInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ModgateError('upstream', `${label}: invalid .info JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ModgateError('upstream', `${label}: .info is not a JSON object`);
  }
  const { Version: version, Time: time } = parsed as { Version?: unknown; Time?: unknown };
  if (typeof version !== 'string' || version === '') {
    throw new ModgateError('upstream', `${label}: .info has no Version`);
  }
  if (canonicalVersion(version) !== version) {
    throw new ModgateError('upstream', `${label}: .info Version "${version}" is not canonical`);
  }
  if (time !== undefined && (typeof time !== 'string' || !RFC3339.test(time))) {
    throw new ModgateError('upstream', `${label}: .info Time is not an RFC 3339 timestamp`);
  }
  return time === undefined ? { version, raw } : { version, time, raw };
}
