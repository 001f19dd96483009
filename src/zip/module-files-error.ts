import { ModgateError, type ErrorKind } from '../errors/index.js';
import type { CheckedFiles } from './checked-files.js';

/**
 * createZip's refusal of the files themselves (x/mod/zip `CheckedFiles.Err()`: a bad or
 * colliding file name, a go.mod or LICENSE over its limit, a source tree over 500 MiB): a
 * fact about the file list, so the same files are refused the same way every time. Callers
 * that know the files are fixed (a commit's tree) may treat it as permanent; the kind stays
 * `checksum` (`too-large` for size limits) for everyone else.
 */
export class ModuleFilesError extends ModgateError {
  constructor(
    kind: ErrorKind,
    message: string,
    readonly report: CheckedFiles,
  ) {
    super(kind, message);
    this.name = 'ModuleFilesError';
  }
}
