import { ModgateError } from '../../errors/index.js';
import type { Storage } from '../../storage/storage.js';
import { open, verifierList, type Verifier } from '../note/index.js';
import {
  parseTree,
  recordHash,
  storedHashIndex,
  treeHash,
  type Hash,
  type Tile,
  type Tree,
} from '../tlog/index.js';
import type { LogLayout } from './log-layout.js';
import { StoredTileReader } from './stored-tile-reader.js';

/** A signed tree head as stored, and the record texts of its level-0 fringe tile. */
export interface LogHead {
  readonly tree: Tree;
  readonly note: Buffer;
  /** Texts of the records in the level-0 fringe tile (ids from its first leaf up to n). */
  readonly fringe: Buffer[];
}

export interface LogHeadSource {
  storage: Storage;
  layout: LogLayout;
  name: string;
  height: number;
  verifier: Verifier;
}

/**
 * Reads the log state a stored signed head `note` stands for, checking it: the note must
 * verify with the database's key, the stored tiles must fold to its hash, and the fringe data
 * tile must hold the records of its leaves. Anything else is `internal`: serving (or appending
 * to) such a log could fork the history clients have seen. Used when the log opens and when a
 * replica takes a head another replica committed.
 */
export async function loadLogHead(src: LogHeadSource, note: Buffer): Promise<LogHead> {
  const fail = (reason: string, cause?: unknown): ModgateError =>
    new ModgateError('internal', `checksum database ${src.name}: ${reason}`, { cause });
  let tree: Tree;
  try {
    tree = parseTree(open(note, verifierList(src.verifier)).text);
  } catch (err) {
    throw fail(
      `the stored tree head (${src.layout.latest}) does not verify with this database's key — was the key replaced? Refusing to serve a log clients cannot trust`,
      err,
    );
  }
  const reader = new StoredTileReader(src.storage, src.layout, src.height, () => tree.n);
  let hash: Hash;
  try {
    hash = await treeHash(tree.n, reader);
  } catch (err) {
    throw fail(`cannot read the tiles of the tree of size ${tree.n}`, err);
  }
  if (!hash.equals(tree.hash)) {
    throw fail(`the stored tiles do not match the signed tree head of size ${tree.n}`);
  }
  const first = tree.n - (tree.n % 2 ** src.height);
  let fringe: Buffer[] = [];
  if (tree.n > first) {
    const tile: Tile = { h: src.height, l: -1, n: first / 2 ** src.height, w: tree.n - first };
    const data = await src.storage.getBytes(src.layout.tile(tile));
    fringe = data === null ? [] : splitDataTile(data);
    if (fringe.length !== tile.w) throw fail(`data tile ${src.layout.tile(tile)} is damaged`);
    const leaves = await reader.readHashes(fringe.map((_, i) => storedHashIndex(0, first + i)));
    if (fringe.some((text, i) => !recordHash(text).equals(leaves[i]!))) {
      throw fail(`data tile ${src.layout.tile(tile)} does not match the tree`);
    }
  }
  return { tree, note, fringe };
}

/** The record texts of a data tile written by this log (each followed by a blank line). */
function splitDataTile(data: Buffer): Buffer[] {
  const texts: Buffer[] = [];
  let pos = 0;
  while (pos < data.length) {
    const end = data.indexOf('\n\n', pos);
    if (end < 0) break;
    texts.push(data.subarray(pos, end + 1));
    pos = end + 2;
  }
  return pos === data.length ? texts : [];
}
