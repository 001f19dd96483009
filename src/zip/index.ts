/**
 * Module zips: which files belong in one, how to create one, how to check one before it is
 * stored or served, and the `h1:` hash recorded in go.sum and the checksum database.
 * Ported from golang.org/x/mod/zip and golang.org/x/mod/sumdb/dirhash —
 * https://pkg.go.dev/golang.org/x/mod/zip, https://pkg.go.dev/golang.org/x/mod/sumdb/dirhash
 * and https://go.dev/ref/mod#zip-files.
 *
 * Rules enforced (x/mod/zip package documentation):
 * - Every entry is named `<module path>@<version>/<file path>`: the module path passes
 *   module.CheckPath, the version is canonical and matches the path's major-version suffix
 *   (module.Check), and the file path is clean and passes module.CheckFilePath.
 * - No two paths are equal under Unicode case folding (strings.EqualFold), and no path is
 *   both a file and a directory.
 * - go.mod appears only in the module root and only spelled `go.mod`.
 * - The zip file and, separately, the total uncompressed size are at most 500 MiB; the root
 *   go.mod and LICENSE at most 16 MiB each; each entry's actual size equals its declared size.
 * - Directory entries are tolerated when reading but never written (they change the h1).
 * - When creating: files in vendored packages, nested modules (directories with a go.mod),
 *   `.hg_archival.txt`, symlinks and irregular files are omitted; from a directory, VCS
 *   directories (.bzr .git .hg .svn) too. The vendor rule follows the root go.mod's `go`
 *   directive: from go 1.24 on, `vendor/modules.txt` is omitted and a `/vendor/` deeper in
 *   the tree only hides its subdirectories (x/mod ≥ v0.22, Go 1.24); older or missing go
 *   versions keep Go's historical rule, so existing checksums stay valid.
 *
 * The h1 hash (dirhash.Hash1): SHA-256 over lines `<hex sha256>  <name>\n` sorted by name in
 * Go (bytewise UTF-8) order; a zip's names are its entry names as stored, every entry counts;
 * a go.mod's hash uses the single name `go.mod`.
 *
 * Verifying an upstream zip (checkZipFile) goes beyond CheckZip's name rules to what a Go
 * client's archive/zip would refuse: unparsable zips, Store/Deflate only, no encryption,
 * content exactly as long as declared (inflation stops there: zip bombs cost only what they
 * declare, and declared sizes are capped first), CRC-32 against the directory and any data
 * descriptor, no data in directory entries, a bounded entry count. It computes the h1 in the
 * same pass and throws ModgateError `checksum` (rules, malformed) or `too-large` (limits)
 * with a one-line reason; `invalid` is kept for a bad module path or version.
 *
 * Files: rules — limits, checked-files (the report), clean-path, case-fold(+table),
 * collision-checker, is-vendored-package, check-files, zip-entry-checker,
 * check-module-version, go-string; hashing — dirhash; reading — stored-deflate-blocks (the
 * stored blocks of a deflated entry as views, no inflate); writing — create-zip
 * (module-files-error), to any stream. Reading zips and directories from disk is the job of
 * the adapters in `files/` (check-zip, hash-zip-file, hash-dir, unzip, create-zip-from-dir,
 * module-zip-reader, large-entry-content, file-handle-reader): they apply these rules, and
 * the rules here read no files (the layer rules in eslint.layers.js hold both apart).
 */
export {
  hash1,
  hash1Bytes,
  hash1FromDigests,
  hashGoMod,
  compareGoStrings,
  EMPTY_HASH1,
  type FileContent,
  type OpenFile,
} from './dirhash.js';
export { strToFold } from './case-fold.js';
export {
  type CheckedFiles,
  type FileProblem,
  checkedFilesError,
  formatCheckedFiles,
} from './checked-files.js';
export { DEFAULT_MAX_ZIP_ENTRIES, MAX_GO_MOD, MAX_LICENSE, MAX_ZIP_FILE } from './limits.js';
export {
  checkFiles,
  type CheckFilesOptions,
  type FileEntry,
  type FileMode,
} from './check-files.js';
export { isVendoredPackage } from './is-vendored-package.js';
export { ByteLimit } from './byte-limit.js';
export { createZip, type ZipSourceFile } from './create-zip.js';
export { ModuleFilesError } from './module-files-error.js';
