/**
 * cmd/go codeRepo.retractedVersions: the versions the module author retracted, read — as the
 * go command reads them — from the go.mod of the version `latest` would pick if retractions
 * were ignored: the highest release in the version list that is not `+incompatible`, else the
 * highest prerelease. `+incompatible` versions have no go.mod and so retract nothing.
 *
 * The code repo uses the answer to skip retracted tags when it chooses a version for a
 * commit and a pseudo-version's base; retracted versions are still listed and served.
 */
import { isRetracted, parseGoMod } from '../../modfile/index.js';
import { prerelease } from '../../semver/index.js';
import { findDir } from './code-repo-find-dir.js';
import type { CodeRepoLayout } from './code-repo-layout.js';
import type { CodeRepoSession } from './code-repo-session.js';
import { listVersions } from './code-repo-versions.js';

export type IsRetracted = (version: string) => boolean;

/** The retraction predicate; throws when the list or the go.mod cannot be read or parsed. */
export async function retractedVersions(
  layout: CodeRepoLayout,
  session: CodeRepoSession,
): Promise<IsRetracted> {
  let versions = await listVersions(layout, session);
  const firstIncompatible = versions.findIndex((v) => v.endsWith('+incompatible'));
  if (firstIncompatible >= 0) versions = versions.slice(0, firstIncompatible);
  if (versions.length === 0) return () => false;

  let highest = '';
  for (let i = versions.length - 1; i >= 0; i--) {
    if (prerelease(versions[i]!) === '') {
      highest = versions[i]!;
      break;
    }
  }
  if (highest === '') highest = versions[versions.length - 1]!;

  const found = await findDir(layout, session, highest);
  if (found.goMod === null) return () => false; // the synthesized go.mod retracts nothing
  const retract = parseGoMod(found.goMod).retract;
  return (v) => isRetracted(v, retract);
}
