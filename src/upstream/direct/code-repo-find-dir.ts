/**
 * cmd/go codeRepo.findDir: which directory of the repository holds a module version, and
 * which go.mod (if any) is its own.
 *
 * For version V the revision is V's rev (the 12-hex rev of a pseudo-version, else the tag
 * `codeDir/V` without `+incompatible`). At that revision `codeDir/go.mod` counts when its
 * module path has the right major version — only the suffix is compared, not the whole path,
 * so forks stay usable through `replace` (the go command checks the full path later). For a
 * `/vN` path in a bigger repository, `codeDir/vN/go.mod` is the other candidate ("major
 * subdirectory", as opposed to "major branch"); both matching is an error. Without any go.mod
 * a module may only be the repository root at v0/v1 or on gopkg.in, with the synthesized
 * go.mod. The messages are Go's.
 */
import { ModgateError } from '../../errors/index.js';
import { modulePath as goModModulePath } from '../../modfile/index.js';
import {
  goQuote,
  isMajor,
  isPseudoVersion,
  pseudoVersionRev,
  splitPathVersion,
} from '../../module/index.js';
import { build, isValid, major } from '../../semver/index.js';
import { MAX_GO_MOD } from '../../zip/index.js';
import type { RevInfoVcs } from './code-host.js';
import { codeHostKind, errorText } from './code-repo-errors.js';
import type { CodeRepoLayout } from './code-repo-layout.js';
import type { CodeRepoSession } from './code-repo-session.js';

export interface FoundDir {
  /** The revision looked up (tag name or short hash), as Go names it in messages. */
  readonly rev: string;
  /** The commit it resolved to. */
  readonly commit: RevInfoVcs;
  /** The module's directory in the repository (`` for the root). */
  readonly dir: string;
  /** The module's own go.mod bytes, or null when it has none (synthesized go.mod). */
  readonly goMod: Buffer | null;
}

/**
 * The code-host revision for a module version or query (cmd/go revToRev): pseudo-versions by
 * their rev, semantic versions as tags (with the tag prefix, without `+incompatible`), any
 * other string as is.
 */
export function revToRev(layout: CodeRepoLayout, rev: string): string {
  if (!isValid(rev)) return rev;
  if (isPseudoVersion(rev)) return pseudoVersionRev(rev);
  const tag = build(rev) === '+incompatible' ? rev.slice(0, -'+incompatible'.length) : rev;
  return layout.tagPrefix + tag;
}

/**
 * Locates version `version` (a valid semantic version). Throws ModgateError `not-found` with
 * Go's reason (no module path, wrong major version, missing go.mod, …), or the code host's
 * own failure kind for reading errors.
 */
export async function findDir(
  layout: CodeRepoLayout,
  session: CodeRepoSession,
  version: string,
): Promise<FoundDir> {
  if (!isValid(version)) {
    throw new ModgateError(
      'not-found',
      `${layout.modulePath}@${version}: invalid version: syntax error`,
    );
  }
  const rev = revToRev(layout, version);
  const { codeRoot, codeDir, pathMajor, pathPrefix } = layout;

  const file1 = joinPath(codeDir, 'go.mod');
  let commit: RevInfoVcs;
  try {
    commit = await session.stat(rev);
  } catch (err) {
    throw readError(codeRoot, file1, rev, err);
  }
  const read = async (file: string): Promise<Buffer | null> => {
    try {
      return await session.readFile(commit.name, file, MAX_GO_MOD);
    } catch (err) {
      throw readError(codeRoot, file, rev, err);
    }
  };

  const gomod1 = await read(file1);
  const mpath1 = gomod1 === null ? '' : goModModulePath(gomod1);
  const found1 =
    gomod1 !== null &&
    (isMajor(mpath1, pathMajor) || (pathMajor === '' && mpath1.startsWith('gopkg.in/')));

  let file2 = '';
  if (pathMajor !== '' && codeRoot !== layout.modulePath && !pathMajor.startsWith('.')) {
    // Either go.mod claims vN and vN/go.mod does not exist, or vN/go.mod claims vN.
    const dir2 = joinPath(codeDir, pathMajor.slice(1));
    file2 = joinPath(dir2, 'go.mod');
    const gomod2 = await read(file2);
    const mpath2 = gomod2 === null ? '' : goModModulePath(gomod2);
    const found2 = gomod2 !== null && isMajor(mpath2, pathMajor);
    if (found1 && found2) {
      throw notFound(
        `${pathPrefix}/${file1} and ...${pathMajor}/go.mod both have ...${pathMajor} module paths at revision ${rev}`,
      );
    }
    if (found2) return { rev, commit, dir: dir2, goMod: gomod2 };
    if (gomod2 !== null) {
      if (mpath2 === '') {
        throw notFound(`${codeRoot}/${file2} is missing module path at revision ${rev}`);
      }
      throw notFound(
        `${codeRoot}/${file2} has non-...${pathMajor} module path ${goQuote(mpath2)} at revision ${rev}`,
      );
    }
  }

  if (found1) return { rev, commit, dir: codeDir, goMod: gomod1 };
  if (gomod1 !== null) {
    const suffix = file2 !== '' ? ` (and ...${pathMajor}/go.mod does not exist)` : '';
    if (mpath1 === '') {
      throw notFound(`${file1} is missing module path${suffix} at revision ${rev}`);
    }
    if (pathMajor !== '') {
      throw notFound(
        `${file1} has non-...${pathMajor} module path ${goQuote(mpath1)}${suffix} at revision ${rev}`,
      );
    }
    if (!splitPathVersion(mpath1).ok) {
      throw notFound(
        `${file1} has malformed module path ${goQuote(mpath1)}${suffix} at revision ${rev}`,
      );
    }
    throw notFound(
      `${file1} has post-${major(version)} module path ${goQuote(mpath1)}${suffix} at revision ${rev}`,
    );
  }

  if (codeDir === '' && (pathMajor === '' || pathMajor.startsWith('.'))) {
    // Implicit go.mod at the repository root: fine for v0/v1 and for gopkg.in.
    return { rev, commit, dir: '', goMod: null };
  }
  if (file2 !== '') {
    throw notFound(`missing ${pathPrefix}/go.mod and ...${pathMajor}/go.mod at revision ${rev}`);
  }
  throw notFound(`missing ${pathPrefix}/go.mod at revision ${rev}`);
}

function joinPath(dir: string, file: string): string {
  return dir === '' ? file : `${dir}/${file}`;
}

function notFound(message: string): ModgateError {
  return new ModgateError('not-found', message);
}

function readError(codeRoot: string, file: string, rev: string, err: unknown): ModgateError {
  return new ModgateError(
    codeHostKind(err),
    `reading ${codeRoot}/${file} at revision ${rev}: ${errorText(err)}`,
    { cause: err },
  );
}
