/**
 * The zip adapters that read files: module zips and directories on disk, checked and hashed
 * with the pure rules of `src/zip/` (x/mod/zip's CheckZip, Create, Unzip; dirhash's
 * HashZip and HashDir). Kept apart from the rules they apply, so the rules stay pure and
 * table-tested (DESIGN §2); the lint step's layer rules allow these files, and only these, to
 * read the file system within zip.
 */
export {
  checkZipBytes,
  checkZipFile,
  checkZipReport,
  type CheckZipOptions,
  type CheckedZip,
} from './check-zip.js';
export { hashZipFile } from './hash-zip-file.js';
export { dirFiles, hashDir } from './hash-dir.js';
export { unzipToDir } from './unzip.js';
export {
  checkDir,
  createZipFromDir,
  listFilesInDir,
  type DirListing,
} from './create-zip-from-dir.js';
export { ModuleZipReader, type ZipEntry } from './module-zip-reader.js';
