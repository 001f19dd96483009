/**
 * Verification before storing: every `.mod` and `.zip` modgate takes from an upstream (a proxy
 * or git) is checked against a checksum database before it is stored, the way the go command
 * checks a download it has no go.sum line for (go-modules-spec §6.7; cmd/go/internal/modfetch
 * fetch.go checkModSum/checkSumDB; https://go.dev/ref/mod#checksum-database). Rules:
 *
 * - The database is the first entry of `sumdb.databases`: the one clients are told to use as
 *   `GOSUMDB`. One database, as the go command accepts one.
 * - Its record for `<path>@<version>` is fetched through the verifying SumdbClient (signed
 *   tree head merged into the remembered timeline, record proved at its leaf through
 *   authenticated tiles). One lookup serves both files: the go command's `<version>/go.mod`
 *   lookup requests the same `/lookup/<path>@<version>`.
 * - Compared as checkSumDB does: the line `<path> <version>[/go.mod] <h1>` present passes; a
 *   line with another `h1:` is a checksum mismatch — refused (ModgateError `checksum`, a 502
 *   whose text says "checksum mismatch" with the module, the file and both hashes), logged at
 *   warn with the running count; a record without a line for the file passes.
 * - A version the database has no record of (404/410) is refused: the go command fails with
 *   "verifying module: ... not found" here too, so modgate would only store what its clients
 *   then reject.
 * - An answer that does not verify (bad signature, malformed note, truncated tile, a fork from
 *   the remembered tree head) is always refused.
 * - A database that cannot be reached (connection failures, 5xx, timeouts): refused by
 *   default (502, "could not be reached ... not stored"), or with `sumdb.on_unreachable:
 *   allow` stored unverified with a warning.
 * - Private module paths are never looked up — their names never leave for a public database
 *   — and neither are paths matching `sumdb.no_verify` (GONOSUMDB syntax).
 * - Refusing means throwing from ChecksumGate.check: the module service then stores nothing
 *   of the file (a small zip gets a clean 502, a large one a cut connection; see ZipDownload).
 *
 * Totals of every outcome are kept for a metrics endpoint (SumdbChecksumGate.counts()).
 */
export { SumdbChecksumGate, type SumdbChecksumGateOptions } from './sumdb-checksum-gate.js';
export { type ChecksumGateCounts } from './checksum-gate-counts.js';
export { compareWithDatabase, type DatabaseVerdict } from './compare-with-database.js';
