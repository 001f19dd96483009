/**
 * The `.info` JSON of the GOPROXY protocol — the body of `@v/<version>.info` and `@latest`
 * (cmd/go modfetch.RevInfo marshaled by encoding/json; https://go.dev/ref/mod#goproxy-protocol):
 *
 *     {"Version":"v1.2.3","Time":"2006-01-02T15:04:05Z","Origin":{"VCS":"git",…}}
 *
 * This file is the one owner of that format: `formatInfoJson` writes it (field order and
 * spelling as in Go, Time in UTC RFC 3339 with fractional seconds only when there are any),
 * `parseInfoJson` reads and validates an upstream's answer, and `infoOriginHash` reads the
 * commit a stored `.info` recorded.
 */
import { ModgateError } from '../errors/index.js';
import { canonicalVersion } from '../module/index.js';

/** Where a version came from (cmd/go codehost.Origin; only the fields we know). */
export interface InfoOrigin {
  readonly vcs?: string;
  readonly url?: string;
  readonly subdir?: string;
  readonly ref?: string;
  readonly hash?: string;
}

/** The fields of an `.info` body that modgate reads. */
export interface InfoFields {
  /** A canonical semantic version. */
  readonly version: string;
  /** RFC 3339, as the upstream wrote it. */
  readonly time?: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A git (SHA-1) or SHA-256 commit hash, lower-case hex, as Origin.Hash holds it. */
const COMMIT_HASH = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The JSON text of an `.info` answer. */
export function formatInfoJson(version: string, time: Date, origin?: InfoOrigin): string {
  const info: Record<string, unknown> = { Version: version, Time: goTimeString(time) };
  if (origin !== undefined) {
    const o: Record<string, string> = {};
    if (origin.vcs) o.VCS = origin.vcs;
    if (origin.url) o.URL = origin.url;
    if (origin.subdir) o.Subdir = origin.subdir;
    if (origin.ref) o.Ref = origin.ref;
    if (origin.hash) o.Hash = origin.hash;
    if (Object.keys(o).length > 0) info.Origin = o;
  }
  return JSON.stringify(info);
}

/** Go's time.Time JSON form in UTC: `2006-01-02T15:04:05Z`, `…05.5Z` with a fraction. */
export function goTimeString(t: Date): string {
  const iso = t.toISOString(); // always UTC, milliseconds
  const m = /^(.*T\d\d:\d\d:\d\d)\.(\d{3})Z$/.exec(iso);
  if (m === null) return iso;
  const fraction = m[2]!.replace(/0+$/, '');
  return fraction === '' ? `${m[1]!}Z` : `${m[1]!}.${fraction}Z`;
}

/**
 * Validates an `.info` / `@latest` body from an upstream: a JSON object whose `Version` is a
 * canonical version and whose optional `Time` is RFC 3339. Other fields (`Origin`, …) are
 * allowed and ignored, so the caller can serve the upstream's bytes unchanged. Throws kind
 * `upstream` naming `label` (the upstream URL without credentials) otherwise.
 */
export function parseInfoJson(raw: Buffer, label: string): InfoFields {
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
  return time === undefined ? { version } : { version, time };
}

/**
 * The commit an `.info` body recorded (`Origin.Hash`, a 40- or 64-digit lower-case hex hash),
 * or undefined when the body has none or is not JSON — a stored `.info` from a proxy upstream
 * usually has no Origin, and that is not an error.
 */
export function infoOriginHash(raw: Buffer): string | undefined {
  let hash: unknown;
  try {
    hash = (JSON.parse(raw.toString('utf8')) as { Origin?: { Hash?: unknown } } | null)?.Origin
      ?.Hash;
  } catch {
    return undefined;
  }
  return typeof hash === 'string' && COMMIT_HASH.test(hash) ? hash : undefined;
}
