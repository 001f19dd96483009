/**
 * A verifying checksum-database client: what the go command does before it trusts a module's
 * hash (go-modules-spec §6.7; golang.org/x/mod/sumdb client.go; cmd/go/internal/modfetch
 * sumdb.go; https://go.dev/ref/mod#checksum-database; design:
 * https://go.googlesource.com/proposal/+/master/design/25530-sumdb.md).
 *
 * Lookup of `<path>@<version>`:
 * 1. `GET /lookup/<escaped path>@<escaped version>` (a `/go.mod` suffix is dropped): a record
 *    `<id>\n<go.sum lines>\n\n` followed by a signed tree note.
 * 2. The note must verify with the database's key and parse as a tree head.
 * 3. It is merged into the timeline: compared with the remembered head through tiles
 *    authenticated against the larger of the two (a smaller tree must be the larger one's
 *    prefix). A disagreement is a fork — refused, the remembered head kept. A larger head
 *    replaces the remembered one by compare-and-swap.
 * 4. The record's hash must equal leaf `id` of the latest tree, read through authenticated
 *    tiles. Only then is the answer returned and cached.
 * 5. verifyModule: a line `<path> <version>[/go.mod] <h1>` with another hash than modgate
 *    computed is a checksum mismatch; no line at all passes (as in the go command).
 *
 * Tiles: the tiles covering the tree's root must fold to the signed hash; every other tile is
 * full and must fold to its entry in its parent tile (tlog tileHashReader). Only authenticated
 * tiles are kept: full ones in the persistent cache (they never change), partial ones in
 * memory. A partial tile the database no longer serves is read as the prefix of its full tile.
 *
 * I/O goes through three seams: SumdbTransport (HTTP: HttpSumdbTransport), SumdbState (the
 * remembered head, compare-and-swap) and SumdbCache (lookups and full tiles), the last two
 * implemented over Storage under `sumdb/<name>/{latest,lookup/...,tile/...}`.
 *
 * Errors are ModgateErrors naming the database: `checksum` for anything it sent that does not
 * parse or verify (SumdbForkError for a fork), `not-found` when it has no such record or tile,
 * `upstream`/`timeout` when it cannot be reached, `invalid` for a bad module path or version.
 */
export { type SumdbTransport } from './sumdb-transport.js';
export { type SumdbState } from './sumdb-state.js';
export { type SumdbCache } from './sumdb-cache.js';
export { StorageSumdbState, sumdbLatestKey } from './storage-sumdb-state.js';
export { StorageSumdbCache } from './storage-sumdb-cache.js';
export { OfflineSumdbTransport } from './offline-transport.js';
export {
  HttpSumdbTransport,
  DEFAULT_SUMDB_HTTP_OPTIONS,
  type HttpSumdbTransportOptions,
} from './http-transport.js';
export {
  SumdbClient,
  type SumdbClientOptions,
  type ModuleHashes,
  type LookupRecord,
  type AuthenticatedTile,
} from './sumdb-client.js';
export { SumdbForkError, sumdbError } from './sumdb-error.js';
export { createSumdbClient, type CreateSumdbClientOptions } from './create-sumdb-client.js';
export { type SignedTree } from './timeline.js';
