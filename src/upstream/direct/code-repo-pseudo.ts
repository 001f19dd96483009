/**
 * cmd/go codeRepo.validatePseudoVersion: a pseudo-version asked for by name must describe
 * its commit exactly, so that every commit has finitely many names under the module author's
 * control and nobody can pin a dependency by inventing a high pseudo-version:
 *
 * - its rev is the commit's 12-hex short hash (not longer, not shorter);
 * - its timestamp is the commit time in UTC, to the second;
 * - without a base, a path without suffix must use v0 (`v1.0.0-…` is refused);
 * - with a base, no tag on the commit itself may equal the base (use that tag instead), and
 *   some tag equivalent to the base (any build metadata) must be an ancestor of the commit.
 *   The base need not be the highest such tag (go.dev/issue/27173).
 */
import { ModgateError } from '../../errors/index.js';
import {
  isPseudoVersion,
  pseudoVersionBase,
  pseudoVersionRev,
  pseudoVersionTime,
} from '../../module/index.js';
import { compare, major } from '../../semver/index.js';
import type { RevInfoVcs } from './code-host.js';
import { codeHostKind, errorText, invalidVersion } from './code-repo-errors.js';
import type { CodeRepoLayout } from './code-repo-layout.js';
import type { CodeRepoSession } from './code-repo-session.js';

/** Throws `not-found` "path@v: invalid pseudo-version: …" unless `version` names `info`. */
export async function validatePseudoVersion(
  layout: CodeRepoLayout,
  session: CodeRepoSession,
  info: RevInfoVcs,
  version: string,
): Promise<void> {
  const { modulePath, tagPrefix } = layout;
  const fail = (reason: string, versionShown = version): ModgateError =>
    invalidVersion(modulePath, versionShown, reason, { pseudo: true });
  if (!isPseudoVersion(version)) throw fail('syntax error');

  const rev = pseudoVersionRev(version);
  if (rev !== info.short) {
    if (rev.startsWith(info.short)) {
      throw fail(`revision is longer than canonical (expected ${info.short})`);
    }
    if (info.short.startsWith(rev)) {
      throw fail(`revision is shorter than canonical (expected ${info.short})`);
    }
    throw fail(`does not match short name of revision (expected ${info.short})`);
  }

  let t: Date;
  try {
    t = pseudoVersionTime(version);
  } catch (err) {
    throw fail(innerReason(err));
  }
  const commitSeconds = Math.floor(info.time.getTime() / 1000);
  if (t.getTime() !== commitSeconds * 1000) {
    throw fail(`does not match version-control timestamp (expected ${timestamp14(info.time)})`);
  }

  const trimmed = version.endsWith('+incompatible')
    ? version.slice(0, -'+incompatible'.length)
    : version;
  let base: string;
  try {
    base = pseudoVersionBase(trimmed);
  } catch (err) {
    throw fail(innerReason(err), trimmed);
  }
  if (base === '') {
    if (layout.pseudoMajor === '' && major(version) === 'v1') {
      throw fail('major version without preceding tag must be v0, not v1');
    }
    return;
  }
  for (const tag of info.tags) {
    if (trimPrefix(tag, tagPrefix) === base) {
      // A canonical tag on this very commit already names it; a pseudo-version derived from
      // it would be a confusing second name.
      throw fail(
        `tag (${tag}) found on revision ${rev} is already canonical, so should not be replaced with a pseudo-version derived from that tag`,
      );
    }
  }

  let tags;
  try {
    tags = await session.tags(tagPrefix + base);
  } catch (err) {
    throw fail(errorText(err));
  }
  let lastTag = '';
  let ancestorFound = false;
  let lastError: unknown;
  for (const tag of tags) {
    if (compare(trimPrefix(tag.name, tagPrefix), base) !== 0) continue;
    lastTag = tag.name;
    try {
      ancestorFound = await session.descendsFrom(info.name, tag.name);
      lastError = undefined;
    } catch (err) {
      ancestorFound = false;
      lastError = err;
    }
    if (ancestorFound) break;
  }
  if (lastTag === '') throw fail(`preceding tag (${base}) not found`);
  if (!ancestorFound) {
    if (lastError !== undefined) {
      throw invalidVersion(modulePath, version, errorText(lastError), {
        pseudo: true,
        kind: codeHostKind(lastError),
        cause: lastError,
      });
    }
    throw fail(`revision ${rev} is not a descendent of preceding tag (${lastTag})`);
  }
}

function trimPrefix(s: string, prefix: string): string {
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

/** `pseudo-version "v…" invalid: reason` → `reason` (the reason Go's wrapper shows). */
function innerReason(err: unknown): string {
  return errorText(err).replace(/^pseudo-version ".*?" invalid: /, '');
}

/** Go layout 20060102150405 in UTC. */
function timestamp14(t: Date): string {
  return t
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-T:]/g, '');
}
