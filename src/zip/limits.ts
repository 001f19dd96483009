/**
 * Size limits of module zips (x/mod/zip MaxZipFile, MaxGoMod, MaxLICENSE). The go command
 * refuses anything larger, so a proxy must too: storing a zip over a limit only moves the
 * failure to every client.
 */

/** 500 MiB: the largest zip file, and separately the largest total uncompressed size. */
export const MAX_ZIP_FILE = 500 * 1024 * 1024;

/** 16 MiB: the largest root go.mod in a module zip. */
export const MAX_GO_MOD = 16 * 1024 * 1024;

/** 16 MiB: the largest root LICENSE in a module zip. */
export const MAX_LICENSE = 16 * 1024 * 1024;

/** Default bound on zip entries when reading: far above real modules, bounds memory. */
export const DEFAULT_MAX_ZIP_ENTRIES = 1_000_000;

/**
 * Bound on the total length of entry names kept while checking a zip (they are needed for
 * the hash): real modules use a few MiB at most; this stops a central directory of huge
 * names from costing memory in proportion to the zip.
 */
export const MAX_ZIP_NAME_BYTES = 64 * 1024 * 1024;
