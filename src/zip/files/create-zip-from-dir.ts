/**
 * x/mod/zip CreateFromDir and CheckDir: the module zip of a directory tree. The tree is
 * walked in lexical (bytewise) order like filepath.Walk, without following symlinks, and
 * before checkFiles' rules it skips: vendored paths (by the root go.mod's `go` version, but
 * still descending into vendored directories, as Go does), the VCS directories `.bzr`,
 * `.git`, `.hg`, `.svn`, any non-root directory holding a `go.mod` that is not a directory
 * (a nested module), and irregular files such as symlinks.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { ModgateError } from '../../errors/index.js';
import { type CheckedFiles, type FileProblem } from '../checked-files.js';
import { checkFiles, OMIT_NOT_REGULAR, OMIT_VENDORED, vendorRuleVersion } from '../check-files.js';
import { createZip, type ZipSourceFile } from '../create-zip.js';
import { isVendoredPackage } from '../is-vendored-package.js';

export const OMIT_VCS = 'directory is a version control repository';
export const OMIT_SUBMODULE_DIR = 'directory is in another module';

const VCS_DIRS: ReadonlySet<string> = new Set(['.bzr', '.git', '.hg', '.svn']);

export interface DirListing {
  /** Regular files, in walk order, with slash paths relative to the directory. */
  readonly files: ZipSourceFile[];
  /** Paths skipped by the walk itself (relative), with Go's reasons. */
  readonly omitted: FileProblem[];
}

/** x/mod/zip listFilesInDir. */
export async function listFilesInDir(dir: string): Promise<DirListing> {
  const rootGoMod = await readFile(join(dir, 'go.mod')).catch(() => undefined);
  const goLang = vendorRuleVersion(rootGoMod);
  const files: ZipSourceFile[] = [];
  const omitted: FileProblem[] = [];

  async function walk(abs: string, rel: string): Promise<void> {
    const names = (await readdir(abs)).sort((a, b) =>
      Buffer.compare(Buffer.from(a), Buffer.from(b)),
    );
    for (const name of names) {
      const filePath = join(abs, name);
      const slashPath = rel === '' ? name : `${rel}/${name}`;
      const info = await lstat(filePath);
      if (isVendoredPackage(slashPath, goLang)) {
        omitted.push({ path: slashPath, reason: OMIT_VENDORED });
        if (!info.isDirectory()) continue;
        // Go reports the directory and still walks into it.
        await walk(filePath, slashPath);
        continue;
      }
      if (info.isDirectory()) {
        if (VCS_DIRS.has(name)) {
          omitted.push({ path: slashPath, reason: OMIT_VCS });
          continue;
        }
        const goMod = await lstat(join(filePath, 'go.mod')).catch(() => undefined);
        if (goMod !== undefined && !goMod.isDirectory()) {
          omitted.push({ path: slashPath, reason: OMIT_SUBMODULE_DIR });
          continue;
        }
        await walk(filePath, slashPath);
        continue;
      }
      if (!info.isFile()) {
        omitted.push({ path: slashPath, reason: OMIT_NOT_REGULAR });
        continue;
      }
      files.push({
        path: slashPath,
        mode: 'file',
        size: info.size,
        open: () => createReadStream(filePath),
      });
    }
  }
  await walk(dir, '');
  return { files, omitted };
}

/**
 * Writes the module zip of `dir` to `out`. Throws as createZip, with messages
 * `create zip <dir>: …` as Go's CreateFromDir.
 */
export async function createZipFromDir(
  dir: string,
  modulePath: string,
  version: string,
  out: Writable,
): Promise<void> {
  const { files } = await listFilesInDir(dir);
  try {
    await createZip(modulePath, version, files, out);
  } catch (err) {
    if (err instanceof ModgateError && err.message.startsWith('create zip: ')) {
      throw new ModgateError(err.kind, `create zip ${dir}: ${err.message.slice(12)}`, {
        cause: err,
      });
    }
    throw err;
  }
}

/**
 * x/mod/zip CheckDir: the report for `dir`, paths joined to `dir`; directories the walk
 * skipped (VCS, nested modules) are listed as omitted without their contents.
 */
export async function checkDir(dir: string): Promise<CheckedFiles> {
  const { files, omitted } = await listFilesInDir(dir);
  const hasRootGoMod = files.some((f) => f.path === 'go.mod');
  const rootGoMod = hasRootGoMod ? await readFile(join(dir, 'go.mod')) : undefined;
  const cf = checkFiles(files, { rootGoMod });
  return {
    valid: cf.valid.map((p) => join(dir, p)),
    omitted: [...cf.omitted, ...omitted].map((e) => ({
      path: join(dir, e.path),
      reason: e.reason,
    })),
    invalid: cf.invalid.map((e) => ({ path: join(dir, e.path), reason: e.reason })),
    sizeError: cf.sizeError,
  };
}
