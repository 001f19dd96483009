/**
 * The per-entry rules of x/mod/zip CheckZip (and Unzip), as a pure state machine fed one
 * central-directory entry at a time, so a zip can be judged in the same single pass that
 * hashes it. Rules, in Go's order:
 * - every name starts with `<module path>@<version>/` (else "path does not have prefix");
 *   the bare prefix (a root directory entry) is skipped; a trailing `/` marks a directory;
 * - the rest is a clean path that passes module.CheckFilePath;
 * - no case-fold collisions, no path both file and directory, no duplicate file;
 * - a file named go.mod in any case must be exactly the root `go.mod`;
 * - declared uncompressed sizes total at most 500 MiB; root go.mod and LICENSE ≤ 16 MiB.
 */
import { checkFilePath, goQuote } from '../module/index.js';
import { type CheckedFiles, emptyCheckedFiles } from './checked-files.js';
import { cleanPath } from './clean-path.js';
import { CollisionChecker } from './collision-checker.js';
import { decodeGoString } from './go-string.js';
import { MAX_GO_MOD, MAX_LICENSE, MAX_ZIP_FILE } from './limits.js';

export type ZipEntryVerdict =
  /** A file that belongs to the module; `path` is relative to the module root. */
  | { readonly kind: 'file'; readonly path: string }
  /** A directory entry (or the bare prefix): allowed, extracts to nothing. */
  | { readonly kind: 'dir' }
  /** The entry makes the zip invalid; `reason` is Go's text. */
  | { readonly kind: 'invalid'; readonly reason: string; readonly badPrefix: boolean }
  /** A valid name whose size pushes the total over the limit (see `report.sizeError`). */
  | { readonly kind: 'too-large'; readonly path: string };

export class ZipEntryChecker {
  readonly report: CheckedFiles = emptyCheckedFiles();
  /** Sum of the declared uncompressed sizes of the files accepted so far. */
  totalSize = 0;
  private readonly prefix: string;
  private readonly prefixBytes: Buffer;
  private readonly collisions = new CollisionChecker();

  /** `modulePath` and `version` must already have passed module.check and be canonical. */
  constructor(modulePath: string, version: string) {
    this.prefix = `${modulePath}@${version}/`;
    this.prefixBytes = Buffer.from(this.prefix, 'utf8');
  }

  /** Judges one entry by its raw name bytes and declared uncompressed size, updating `report`. */
  add(rawName: Uint8Array, uncompressedSize: number): ZipEntryVerdict {
    const fullName = decodeGoString(rawName);
    const invalid = (reason: string, badPrefix = false): ZipEntryVerdict => {
      this.report.invalid.push({ path: fullName, reason });
      return { kind: 'invalid', reason, badPrefix };
    };
    const hasPrefix =
      rawName.length >= this.prefixBytes.length &&
      Buffer.compare(rawName.subarray(0, this.prefixBytes.length), this.prefixBytes) === 0;
    if (!hasPrefix) return invalid(`path does not have prefix ${goQuote(this.prefix)}`, true);
    let name = decodeGoString(rawName.subarray(this.prefixBytes.length));
    if (name === '') return { kind: 'dir' };
    const isDir = name.endsWith('/');
    if (isDir) name = name.slice(0, -1);
    if (cleanPath(name) !== name) return invalid('file path is not clean');
    const pathProblem = filePathProblem(name);
    if (pathProblem !== undefined) return invalid(pathProblem);
    const collision = this.collisions.check(name, isDir);
    if (collision !== undefined) return invalid(collision);
    if (isDir) return { kind: 'dir' };

    const slash = name.lastIndexOf('/');
    const base = name.slice(slash + 1);
    if (base.length === 6 && base.toLowerCase() === 'go.mod') {
      if (base !== name) return invalid('go.mod file not in module root directory');
      if (name !== 'go.mod') return invalid('go.mod files must have lowercase names');
    }
    let fits = true;
    const sz = uncompressedSize;
    if (sz >= 0 && MAX_ZIP_FILE - this.totalSize >= sz) {
      this.totalSize += sz;
    } else {
      fits = false;
      this.report.sizeError ??= `total uncompressed size of module contents too large (max size is ${MAX_ZIP_FILE} bytes)`;
    }
    if (name === 'go.mod' && sz > MAX_GO_MOD) {
      return invalid(`go.mod file too large (max size is ${MAX_GO_MOD} bytes)`);
    }
    if (name === 'LICENSE' && sz > MAX_LICENSE) {
      return invalid(`LICENSE file too large (max size is ${MAX_LICENSE} bytes)`);
    }
    this.report.valid.push(fullName);
    return fits ? { kind: 'file', path: name } : { kind: 'too-large', path: name };
  }
}

/** module.CheckFilePath's message, or undefined when `p` is a valid file path. */
export function filePathProblem(p: string): string | undefined {
  try {
    checkFilePath(p);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
