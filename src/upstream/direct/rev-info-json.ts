/**
 * The `.info` JSON the go command writes and reads (cmd/go modfetch.RevInfo marshaled by
 * encoding/json): `{"Version":"v1.2.3","Time":"2006-01-02T15:04:05Z"}`, then an optional
 * `Origin` — field order and spelling as in Go, Time in UTC RFC 3339 with fractional seconds
 * only when there are any (time.Time's MarshalJSON, RFC3339Nano).
 */

/** Where a version came from (cmd/go codehost.Origin; only the fields we know). */
export interface RevOrigin {
  readonly vcs?: string;
  readonly url?: string;
  readonly subdir?: string;
  readonly ref?: string;
  readonly hash?: string;
}

/** The JSON text of an `.info` answer. */
export function revInfoJson(version: string, time: Date, origin?: RevOrigin): string {
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
