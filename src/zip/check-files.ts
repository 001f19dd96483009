/**
 * x/mod/zip CheckFiles (checkFiles): which files of a module tree go into its zip. Pure:
 * files come in as a list of entries; the only content needed is the root go.mod's, whose
 * `go` directive selects the vendor rule (is-vendored-package.ts).
 *
 * Pass 1 marks every directory holding a regular file named go.mod in any case (a nested
 * module). Pass 2 judges each entry in input order, first matching rule wins, Go's reasons:
 * not clean → invalid; absolute → invalid; vendored → omitted; inside a nested module →
 * omitted; `.hg_archival.txt` → omitted; CheckFilePath fails → invalid; a root go.mod not
 * spelled `go.mod` → invalid; case-fold/file-dir/duplicate collision → invalid; symlink or
 * irregular → omitted; then sizes: over the 500 MiB total → size error, root go.mod or
 * LICENSE over 16 MiB → invalid; else valid. Each path is reported at most once.
 */
import { goLanguageVersion } from '../modfile/index.js';
import { strToFold } from './case-fold.js';
import { type CheckedFiles, emptyCheckedFiles } from './checked-files.js';
import { cleanPath } from './clean-path.js';
import { CollisionChecker } from './collision-checker.js';
import { isVendoredPackage } from './is-vendored-package.js';
import { MAX_GO_MOD, MAX_LICENSE, MAX_ZIP_FILE } from './limits.js';
import { filePathProblem } from './zip-entry-checker.js';

/** What Lstat says about a file: symlinks are reported as themselves, not their target. */
export type FileMode = 'file' | 'symlink' | 'dir' | 'other';

export interface FileEntry {
  /** Clean slash-separated path relative to the module root. */
  readonly path: string;
  readonly mode: FileMode;
  /** Size in bytes (regular files); negative or huge values fail the size rule. */
  readonly size: number;
}

export interface CheckFilesOptions {
  /**
   * Content of the root `go.mod` (the entry whose path is exactly `go.mod`, if regular);
   * its `go` directive selects the vendor rule. Omitted: the pre-Go-1.24 rule.
   */
  readonly rootGoMod?: Uint8Array | string;
}

export interface ClassifiedFiles {
  readonly report: CheckedFiles;
  /** Indexes into the input of the files in `report.valid`, same order. */
  readonly validIndexes: number[];
}

export const OMIT_VENDORED = 'file is in vendor directory';
export const OMIT_SUBMODULE_FILE = 'file is in another module';
export const OMIT_HG_ARCHIVAL = "file is inserted by 'hg archive' and is always omitted";
export const OMIT_SYMLINK = 'file is a symbolic link';
export const OMIT_NOT_REGULAR = 'not a regular file';

/** x/mod/zip CheckFiles: the report for `files` (never throws). */
export function checkFiles(
  files: readonly FileEntry[],
  options: CheckFilesOptions = {},
): CheckedFiles {
  return classifyFiles(files, options).report;
}

/** The go language version used for the vendor rule (`` without a usable root go.mod). */
export function vendorRuleVersion(rootGoMod: Uint8Array | string | undefined): string {
  if (rootGoMod === undefined) return '';
  return goLanguageVersion(typeof rootGoMod === 'string' ? rootGoMod : Buffer.from(rootGoMod));
}

/** CheckFiles plus the indexes of the valid files, for Create. */
export function classifyFiles(
  files: readonly FileEntry[],
  options: CheckFilesOptions = {},
): ClassifiedFiles {
  const report = emptyCheckedFiles();
  const validIndexes: number[] = [];
  const reported = new Set<string>();
  const addError = (path: string, omitted: boolean, reason: string): void => {
    if (reported.has(path)) return;
    reported.add(path);
    (omitted ? report.omitted : report.invalid).push({ path, reason });
  };

  const haveGoMod = new Set<string>();
  for (const f of files) {
    const slash = f.path.lastIndexOf('/');
    if (f.mode === 'file' && strToFold(f.path.slice(slash + 1)) === 'go.mod') {
      haveGoMod.add(f.path.slice(0, slash + 1));
    }
  }
  const inSubmodule = (p: string): boolean => {
    for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) {
      if (haveGoMod.has(p.slice(0, i + 1))) return true;
    }
    return false;
  };
  const goLang = vendorRuleVersion(options.rootGoMod);

  const collisions = new CollisionChecker();
  let remaining = MAX_ZIP_FILE;
  files.forEach((f, index) => {
    const p = f.path;
    if (cleanPath(p) !== p) return addError(p, false, 'file path is not clean');
    if (p.startsWith('/')) return addError(p, false, 'file path is not relative');
    if (isVendoredPackage(p, goLang)) return addError(p, true, OMIT_VENDORED);
    if (inSubmodule(p)) return addError(p, true, OMIT_SUBMODULE_FILE);
    if (p === '.hg_archival.txt') return addError(p, true, OMIT_HG_ARCHIVAL);
    const problem = filePathProblem(p);
    if (problem !== undefined) return addError(p, false, problem);
    if (p.toLowerCase() === 'go.mod' && p !== 'go.mod') {
      return addError(p, false, 'go.mod files must have lowercase names');
    }
    const collision = collisions.check(p, f.mode === 'dir');
    if (collision !== undefined) return addError(p, false, collision);
    if (f.mode === 'symlink') return addError(p, true, OMIT_SYMLINK);
    if (f.mode !== 'file') return addError(p, true, OMIT_NOT_REGULAR);
    const size = f.size;
    if (size >= 0 && size <= remaining) {
      remaining -= size;
    } else {
      report.sizeError ??= `module source tree too large (max size is ${MAX_ZIP_FILE} bytes)`;
    }
    if (p === 'go.mod' && size > MAX_GO_MOD) {
      return addError(p, false, `go.mod file too large (max size is ${MAX_GO_MOD} bytes)`);
    }
    if (p === 'LICENSE' && size > MAX_LICENSE) {
      return addError(p, false, `LICENSE file too large (max size is ${MAX_LICENSE} bytes)`);
    }
    report.valid.push(p);
    validIndexes.push(index);
  });
  return { report, validIndexes };
}
