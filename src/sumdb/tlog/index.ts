/**
 * The tamper-evident log behind a checksum database: record and node hashing, the stored
 * hash layout, proofs, tiles, and the text formats of tree heads and records. Behaviour
 * follows golang.org/x/mod/sumdb/tlog (https://pkg.go.dev/golang.org/x/mod/sumdb/tlog), the
 * checksum-database design (https://go.googlesource.com/proposal/+/master/design/25530-sumdb.md),
 * https://research.swtch.com/tlog and RFC 6962 (Certificate Transparency), whose hashes and
 * proofs it shares.
 *
 * Hashing
 * - recordHash(data) = SHA-256(0x00 || data); nodeHash(l, r) = SHA-256(0x01 || l || r).
 * - The hash of a tree of n records splits [0, n) from the left into maximal power-of-two
 *   chunks and folds their hashes from the right; the empty tree's hash is 32 zero bytes.
 * - Hashes are stored densely: appending record n stores its record hash, then one node hash
 *   per trailing 1-bit of n (storedHashIndex / splitStoredHashIndex / storedHashCount).
 *
 * Proofs: record (inclusion) and tree (consistency) proofs as in RFC 6962 §2.1.1/§2.1.2.
 * The go command needs neither: it recomputes hashes from tiles.
 *
 * Tiles
 * - Tile (h, l, n, w): w hashes at level h·l starting at n·2^h; full when w = 2^h;
 *   l = -1 is a data tile (records). Path `tile/<h>/<l|data>/<NNN>[.p/<w>]`, NNN in
 *   `x`-prefixed base-1000 groups; parsers accept only the canonical spelling.
 * - A server publishes newTiles(h, old, new) as its tree grows (every partial width too).
 * - A client trusts a tile only through a signed tree head: the tiles covering the tree's
 *   root must fold to its hash, and every other tile must be full and fold to the entry in
 *   its parent tile (tileHashReader). Only then may it be cached.
 *
 * Text formats
 * - Tree note text: `go.sum database tree\n<N>\n<base64 hash>\n`; later lines ignored.
 * - Record: `<id>\n<text>\n`, text being UTF-8 lines without control characters or blank
 *   lines; a lookup response is a record followed by a signed tree note.
 *
 * Numbers: record ids, tree sizes and stored-hash indexes are `number`s, exact below 2^53
 * (sum.golang.org has ~10^8 records); see int53.ts. Hashes are 32-byte Buffers.
 * HashReader and TileReader may answer synchronously or with a promise; functions that read
 * through them are async. Errors are ModgateErrors: `invalid` for bad input, `checksum` for
 * a failed proof or an inconsistent tile, `internal` for a broken reader or invariant.
 */
export {
  type Hash,
  HASH_SIZE,
  recordHash,
  nodeHash,
  zeroHash,
  formatHash,
  parseHash,
} from './hash.js';
export { storedHashIndex, splitStoredHashIndex, storedHashCount } from './stored-hash-index.js';
export { type HashReader } from './hash-reader.js';
export { storedHashes, storedHashesForRecordHash } from './stored-hashes.js';
export { treeHash } from './tree-hash.js';
export { type RecordProof, proveRecord, checkRecord } from './record-proof.js';
export { type TreeProof, proveTree, checkTree } from './tree-proof.js';
export { type Tile, tilePath, parseTilePath } from './tile.js';
export { tileForIndex } from './tile-for-index.js';
export { readTileData, hashFromTile } from './tile-data.js';
export { newTiles } from './new-tiles.js';
export { type TileReader, tileHashReader } from './tile-hash-reader.js';
export { AuthenticatedTiles } from './authenticated-tiles.js';
export { type Tree, formatTree, parseTree } from './tree.js';
export { type ParsedRecord, formatRecord, parseRecord, isValidRecordText } from './record.js';
