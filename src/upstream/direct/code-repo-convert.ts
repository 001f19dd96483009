/**
 * cmd/go codeRepo.convert: the module version of a commit, as `GOPROXY=direct` reports it.
 *
 * - A pseudo-version asked for by name is validated (code-repo-pseudo) and kept.
 * - Otherwise the tag the commit was asked by wins if it is a canonical version of this
 *   module; then a tag equal to the query (`v1.2.3` for `v1.2.3`); then the highest
 *   canonical, non-retracted tag on the commit that suits the major version (or can be
 *   `+incompatible`); else a pseudo-version whose base is the highest allowed tag reachable
 *   from the commit (`recentTag`) — or a non-canonical tag equal to the query, so
 *   `v1.2.3+meta` gives `v1.2.4-0.…`.
 * - Every answer passes checkCanonical: the module must exist at that commit (findDir), a
 *   major version that does not suit the path becomes `+incompatible` only for a root module
 *   without a suffix and without a go.mod (nor, unless `+incompatible` was asked for
 *   explicitly, a `vN/go.mod`; go.dev/issue/51324), and a canonical query must resolve to
 *   itself ("resolves to version X (Y is not a tag)").
 *
 * `tagPrefix` scopes tags to the module's directory; tags shaped like pseudo-versions are
 * ignored, and `v1`/`v1.2` tags never name versions.
 */
import { ModgateError, isNotFound } from '../../errors/index.js';
import {
  canonicalVersion,
  goQuote,
  isPseudoVersion,
  matchPathMajor,
  pseudoVersion,
} from '../../module/index.js';
import { canonical, compare, major } from '../../semver/index.js';
import { MAX_GO_MOD } from '../../zip/index.js';
import type { RevInfoVcs } from './code-host.js';
import { codeHostKind, errorText, invalidVersion } from './code-repo-errors.js';
import { findDir } from './code-repo-find-dir.js';
import type { CodeRepoLayout } from './code-repo-layout.js';
import { validatePseudoVersion } from './code-repo-pseudo.js';
import type { IsRetracted } from './code-repo-retractions.js';
import type { CodeRepoSession } from './code-repo-session.js';

/** A commit resolved to a module version (cmd/go modfetch.RevInfo). */
export interface CodeRevInfo {
  readonly version: string;
  /** Commit time. */
  readonly time: Date;
  /** Full commit hash. */
  readonly name: string;
  /** 12-hex short hash. */
  readonly short: string;
  /** The ref the query resolved through (`refs/heads/main`), if any. */
  readonly ref?: string;
}

const INCOMPATIBLE = '+incompatible';

function trimIncompatible(v: string): string {
  return v.endsWith(INCOMPATIBLE) ? v.slice(0, -INCOMPATIBLE.length) : v;
}

/**
 * Converts commit `info` to a module version; `statVers` is the query (`` for Latest).
 * `retracted` is consulted lazily; its failure means "nothing is retracted", as in Go.
 */
export async function convert(
  layout: CodeRepoLayout,
  session: CodeRepoSession,
  info: RevInfoVcs,
  statVers: string,
  retracted: () => Promise<IsRetracted>,
): Promise<CodeRevInfo> {
  const { modulePath, codeDir, pathMajor, pathPrefix, tagPrefix } = layout;

  // canUseIncompatible: memoized per major version ('' for the root go.mod).
  const noGoMod = new Map<string, boolean>();
  const absent = async (key: string, file: string): Promise<boolean> => {
    let ok = noGoMod.get(key);
    if (ok === undefined) {
      ok = (await session.readFile(info.name, file, MAX_GO_MOD)) === null;
      noGoMod.set(key, ok);
    }
    return ok;
  };
  const canUseIncompatible = async (v: string): Promise<boolean> => {
    if (codeDir !== '' || pathMajor !== '') return false;
    if (!(await absent('', 'go.mod'))) return false;
    if (v !== '' && !statVers.endsWith(INCOMPATIBLE)) {
      const m = major(v);
      if (!(await absent(m, m === '' ? 'go.mod' : `${m}/go.mod`))) return false;
    }
    return true;
  };
  /** The synchronous form for recentTag's filter; answers only what was looked up before. */
  const canUseIncompatibleKnown = (v: string): boolean => {
    if (codeDir !== '' || pathMajor !== '') return false;
    if (noGoMod.get('') !== true) return false;
    if (v !== '' && !statVers.endsWith(INCOMPATIBLE)) return noGoMod.get(major(v)) === true;
    return true;
  };

  const checkCanonical = async (version: string): Promise<CodeRevInfo> => {
    let v = version;
    try {
      await findDir(layout, session, v);
    } catch (err) {
      throw invalidVersion(modulePath, v, errorText(err), { kind: codeHostKind(err), cause: err });
    }
    if (v === trimIncompatible(statVers)) v = statVers;
    const base = trimIncompatible(v);
    let errIncompatible: ModgateError | undefined;
    if (!matchPathMajor(base, pathMajor)) {
      if (await canUseIncompatible(base)) {
        v = base + INCOMPATIBLE;
      } else if (pathMajor !== '') {
        errIncompatible = invalidVersion(
          modulePath,
          v,
          'module path includes a major version suffix, so major version must match',
        );
      } else {
        errIncompatible = invalidVersion(
          modulePath,
          v,
          `module contains a go.mod file, so module path must match major version (${goQuote(
            `${pathPrefix}/${major(v)}`,
          )})`,
        );
      }
    } else if (v.endsWith(INCOMPATIBLE)) {
      errIncompatible = invalidVersion(
        modulePath,
        v,
        `+incompatible suffix not allowed: major version ${major(v)} is compatible`,
      );
    }
    if (statVers !== '' && statVers === canonicalVersion(statVers)) {
      // A canonical query must not resolve to anything but itself (maybe +incompatible).
      const statBase = trimIncompatible(statVers);
      if (statBase !== base) {
        throw invalidVersion(
          modulePath,
          statVers,
          `resolves to version ${v} (${statBase} is not a tag)`,
        );
      }
    }
    if (errIncompatible !== undefined) throw errIncompatible;
    return {
      version: v,
      time: info.time,
      name: info.name,
      short: info.short,
      ...(info.ref !== undefined ? { ref: info.ref } : {}),
    };
  };

  if (isPseudoVersion(statVers)) {
    await validatePseudoVersion(layout, session, info, statVers);
    return checkCanonical(statVers);
  }

  let isRetracted: IsRetracted | undefined;
  const loadRetracted = async (): Promise<IsRetracted> => {
    if (isRetracted === undefined) {
      try {
        isRetracted = await retracted();
      } catch (err) {
        if (!isNotFound(err) && errorKindIsTransient(err)) throw err;
        isRetracted = () => false;
      }
    }
    return isRetracted;
  };

  /** The version a tag names (`` if none) and whether the tag is spelled canonically. */
  const tagToVersion = (tag: string): { v: string; canonical: boolean } => {
    if (!tag.startsWith(tagPrefix)) return { v: '', canonical: false };
    const trimmed = tag.slice(tagPrefix.length);
    // Tags that look like pseudo-versions would be confusing (Go tests the whole tag).
    if (isPseudoVersion(tag)) return { v: '', canonical: false };
    const v = canonical(trimmed); // not canonicalVersion: an explicit +incompatible is dropped
    if (v === '' || !trimmed.startsWith(v)) return { v: '', canonical: false };
    return { v, canonical: v === trimmed };
  };

  // The tag the commit was asked by, if it is a usable canonical version.
  const asked = tagToVersion(info.version);
  if (asked.canonical) {
    try {
      return await checkCanonical(asked.v);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  let highestCanonical = '';
  let pseudoBase = '';
  for (const pathTag of info.tags) {
    const { v, canonical: tagIsCanonical } = tagToVersion(pathTag);
    if (statVers !== '' && compare(v, statVers) === 0) {
      // Equivalent to the query: its canonical spelling is the answer; a spelling with
      // build metadata can only be a pseudo-version's base (it could be ambiguous).
      if (tagIsCanonical) return checkCanonical(v);
      pseudoBase = v;
    }
    if (tagIsCanonical && compare(highestCanonical, v) < 0) {
      if (!(await loadRetracted())(v)) {
        if (matchPathMajor(v, pathMajor) || (await canUseIncompatible(v))) highestCanonical = v;
      }
    }
  }
  if (highestCanonical !== '') return checkCanonical(highestCanonical);

  if (pseudoBase === '') {
    const retractedNow = await loadRetracted();
    // Look up, before the synchronous filter runs, what canUseIncompatible needs to know
    // about every major version the module's tags could contribute.
    if (codeDir === '' && pathMajor === '' && (await absent('', 'go.mod'))) {
      const majors = new Set<string>();
      for (const tag of await session.tags(tagPrefix)) {
        const { v } = tagToVersion(tag.name);
        if (v !== '' && !matchPathMajor(v, pathMajor)) majors.add(major(v));
      }
      for (const m of majors) await canUseIncompatible(m + '.0.0');
    }
    const allowed = (tag: string): boolean => {
      const { v } = tagToVersion(tag);
      if (v === '') return false;
      if (!matchPathMajor(v, pathMajor) && !canUseIncompatibleKnown(v)) return false;
      return !retractedNow(v);
    };
    let tag: string | null = null;
    try {
      tag = await session.recentTag(info.name, tagPrefix, allowed);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (tag !== null && tag !== '') pseudoBase = tagToVersion(tag).v;
  }

  return checkCanonical(pseudoVersion(layout.pseudoMajor, pseudoBase, info.time, info.short));
}

/**
 * Go ignores every failure to read retractions; we ignore content problems (no version
 * list, unparsable go.mod, missing module) but not a code host that failed to answer, so an
 * outage does not silently change which version a commit gets.
 */
function errorKindIsTransient(err: unknown): boolean {
  const kind = codeHostKind(err);
  return kind === 'upstream' || kind === 'timeout' || kind === 'forbidden';
}
