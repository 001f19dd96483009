/**
 * Retractions (https://go.dev/ref/mod#go-mod-file-retract): a module author's statement in
 * the go.mod of a later version that some versions must not be used. A retracted version
 * stays downloadable — proxies keep serving it and listing it in `@v/list` — but the go
 * command hides it from queries and `go list -m -versions`, and warns when it is required.
 */
import { compare } from '../semver/index.js';

/** A closed interval of retracted versions; low === high for a single version. */
export interface Retraction {
  readonly low: string;
  readonly high: string;
  /** The comment above or beside the directive (or its block), or ``. */
  readonly rationale: string;
}

/** Whether `low ≤ version ≤ high` (semver order) for some retraction. */
export function isRetracted(version: string, retractions: readonly Retraction[]): boolean {
  return retractions.some((r) => covers(r, version));
}

/** The retractions covering `version`, in file order (for their rationales). */
export function retractionsFor(version: string, retractions: readonly Retraction[]): Retraction[] {
  return retractions.filter((r) => covers(r, version));
}

function covers(r: Retraction, version: string): boolean {
  return compare(r.low, version) <= 0 && compare(version, r.high) <= 0;
}
