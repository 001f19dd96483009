/**
 * module.Sort: the order of go.sum lines. By module path (byte order), then by version in
 * semver order; a version may carry a `/go.mod`-style suffix, compared as a string after the
 * version part (so `v1.0.0` sorts before `v1.0.0/go.mod`).
 */
import { compare } from '../semver/index.js';

/** A module path and version, as in module.Version. */
export interface ModuleVersion {
  readonly path: string;
  readonly version: string;
}

/** A new array of `list` in module.Sort order. */
export function sortModuleVersions<T extends ModuleVersion>(list: readonly T[]): T[] {
  return [...list].sort(compareModuleVersions);
}

/** The comparator behind sortModuleVersions. */
export function compareModuleVersions(a: ModuleVersion, b: ModuleVersion): number {
  if (a.path !== b.path) return compareBytes(a.path, b.path);
  const [va, fa] = splitFileSuffix(a.version);
  const [vb, fb] = splitFileSuffix(b.version);
  if (va !== vb) return compare(va, vb);
  return compareBytes(fa, fb);
}

function splitFileSuffix(v: string): [string, string] {
  const k = v.indexOf('/');
  return k >= 0 ? [v.slice(0, k), v.slice(k)] : [v, ''];
}

/** UTF-8 byte order (which code-point order equals; UTF-16 unit order does not). */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
