/**
 * modgate's own checksum database (issue 4 item 3; go-modules-spec §6; the design in
 * https://go.googlesource.com/proposal/+/master/design/25530-sumdb.md; x/mod sumdb server.go
 * and tlog). A go client trusts one GOSUMDB, so modgate can be the team's: it signs its own
 * transparency log, and the go command verifies public and private modules against it
 * without GONOSUMDB.
 *
 * Rules it enforces
 * - The key: an Ed25519 note key named after the database (a valid key name and a bare
 *   `host[/path]`), generated on first use and kept in storage under `sumdb-server/<name>/`;
 *   the secret is never served or logged. Clients get `<name>+<hash>+<keydata> <url>`.
 * - Records: `<path> <version> h1:<zip>\n<path> <version>/go.mod h1:<go.mod>\n`, the hashes of
 *   the copy modgate stores, appended when a version is first looked up (so private versions
 *   get in on first fetch; public ones after the verify-before-store gate checked them against
 *   the public database, if that gate is configured). Once logged a version's content is fixed:
 *   LoggedChecksumGate refuses different bytes from any upstream.
 * - The log: RFC 6962 hashing, tiles of height 8 under `tile/8/<L>/<NNN>[.p/<W>]` (every
 *   partial width of the fringe, pruned once the full tile exists — the go command then reads
 *   the full tile), data tiles `tile/8/data/...` with each record text followed by a blank line
 *   (sum.golang.org's format). The tree head `go.sum database tree\n<N>\n<hash>\n`, signed.
 * - Lookups: `<id>\n<text>\n` then a signed head holding it; unknown versions 404/410,
 *   malformed ones 400.
 * - Writes: one writer per process, batched; records and tiles first, the signed head last in
 *   one atomic write — the head is the truth, anything past it is ignored and overwritten.
 *   Several replicas must not write one log (it would fork): that needs a cross-replica lock.
 */
export { LogLayout } from './log-layout.js';
export { StoredTileReader } from './stored-tile-reader.js';
export { loadOrCreateServerKey, parseServerKey, type ServerKey } from './signer-key-store.js';
export { SumdbLog, type SumdbLogOptions, type LoggedRecord } from './sumdb-log.js';
export { HostedSumdb, type ModuleHashSource } from './hosted-sumdb.js';
export { LoggedChecksumGate } from './logged-checksum-gate.js';
export { gosumdbValue, defaultClientUrl } from './gosumdb-value.js';
export { openOwnSumdb } from './open-own-sumdb.js';
