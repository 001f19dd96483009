/**
 * Verifying a module set against a checksum database without reaching it: what `mirror import`
 * (and `mirror sync`) run before storing anything. The evidence is what a bundle carries — a
 * signed tree head, the database's record of every module version, and the tiles that prove
 * each record is in that tree (https://research.swtch.com/tlog, go-modules-spec §6.5–6.7):
 *
 * 1. the head is a note signed by the configured database key, holding a tree head;
 * 2. each tile is authenticated against the head (tlog tileHashReader: the root tiles fold
 *    to the signed hash, every other tile to its entry in its parent);
 * 3. each record's hash is the leaf at its id in that tree (an inclusion proof by tiles);
 * 4. each zip passes the x/mod zip rules and its `h1:` equals the record's line, each `.mod`'s
 *    `h1:` equals the record's `/go.mod` line, each `.info` names its version.
 *
 * A module version without a record (a private module) is refused: nothing could verify it.
 */
import { ModgateError } from '../errors/index.js';
import { open, verifierList, type Verifier } from '../sumdb/note/index.js';
import {
  parseRecord,
  parseTree,
  recordHash,
  storedHashIndex,
  tileHashReader,
  tilePath,
  type Tile,
  type Tree,
} from '../sumdb/tlog/index.js';
import { hashGoMod } from '../zip/index.js';
import { checkZipFile } from '../zip/files/index.js';
import { BundleError } from './bundle-error.js';

/** One module version's GOPROXY files, as a bundle or a sync brings them. */
export interface ModuleVersionFiles {
  readonly path: string;
  readonly version: string;
  /** The `.info` JSON, when carried (every version with a zip has one). */
  readonly info?: Buffer;
  /** The `.mod` file (always carried). */
  readonly mod: Buffer;
  /** A local file holding the `.zip`, when carried. */
  readonly zipFile?: string;
  /** How the files are named in refusals (default `<path>@<version>`). */
  readonly label?: string;
}

/** The checksum-database evidence for a module set. */
export interface SumdbEvidence {
  /** The database's key name, e.g. `sum.golang.org`. */
  readonly name: string;
  /** The signed tree head (a note). */
  readonly head: Buffer;
  /**
   * `<path>@<version>` → the database's record of it: a lookup answer (`<id>\n<text>\n\n`,
   * optionally followed by a signed note, which is ignored: the record is proved against
   * `head`).
   */
  readonly records: ReadonlyMap<string, Buffer>;
  /**
   * Reads a hash tile (height 8) of `head`'s tree; undefined when it is not available. What
   * it returns is suspect until authenticated here.
   */
  readTile(tile: Tile): Promise<Buffer | undefined> | Buffer | undefined;
  /** How a tile is named in refusals (default `sumdb/<name>/<tile path>`). */
  readonly tileLabel?: (tile: Tile) => string;
  /** How the head and records are named in refusals. */
  readonly headLabel?: string;
  readonly recordLabel?: (moduleVersion: string) => string;
}

/** A verified record. */
export interface VerifiedRecord {
  readonly id: number;
  /** The go.sum lines. */
  readonly text: Buffer;
}

/** What was proved. */
export interface VerifiedModuleSet {
  readonly tree: Tree;
  /** `<path>@<version>` → its record (only the records of the set). */
  readonly records: ReadonlyMap<string, VerifiedRecord>;
  /** The tiles used in the proofs, authenticated against `tree`: tile path → bytes. */
  readonly tiles: ReadonlyMap<string, { tile: Tile; data: Buffer }>;
}

const TILE_HEIGHT = 8;

/**
 * Verifies `modules` against `evidence` and the database key `verifier` (whose name must be
 * `evidence.name`). Throws BundleError naming the entry and the check that failed; resolves
 * with the tree, the records and the authenticated tiles otherwise.
 */
export async function verifyModuleSet(
  modules: readonly ModuleVersionFiles[],
  evidence: SumdbEvidence,
  verifier: Verifier,
): Promise<VerifiedModuleSet> {
  const name = evidence.name;
  const tileLabel = evidence.tileLabel ?? ((t: Tile) => `sumdb/${name}/${tilePath(t)}`);
  const headLabel = evidence.headLabel ?? `sumdb/${name}/latest`;
  const recordLabel = evidence.recordLabel ?? ((mv: string) => `record of ${mv}`);
  const tree = verifyHead(evidence.head, name, verifier, headLabel);

  // The records: parsed, then their leaves read through authenticated tiles in one pass.
  const parsed = new Map<string, VerifiedRecord>();
  for (const m of modules) {
    const mv = `${m.path}@${m.version}`;
    const data = evidence.records.get(mv);
    if (data === undefined) {
      throw new BundleError(
        m.label ?? mv,
        'no-record',
        `no checksum-database record of ${mv} in ${name} (a private module cannot be verified, so it cannot be carried: docs/mirror.md)`,
      );
    }
    let rec;
    try {
      rec = parseRecord(data);
    } catch (err) {
      throw new BundleError(recordLabel(mv), 'record', (err as Error).message, { cause: err });
    }
    if (rec.id >= tree.n) {
      throw new BundleError(
        recordLabel(mv),
        'record',
        `record id ${rec.id} is beyond the signed tree head of size ${tree.n}`,
      );
    }
    parsed.set(mv, { id: rec.id, text: Buffer.from(rec.text) });
  }

  const tiles = new Map<string, { tile: Tile; data: Buffer }>();
  const reader = {
    height: TILE_HEIGHT,
    readTiles: async (wanted: readonly Tile[]) =>
      Promise.all(
        wanted.map(async (t) => {
          const data = await evidence.readTile(t);
          if (data === undefined) {
            throw new BundleError(tileLabel(t), 'tile', 'missing: needed to prove a record');
          }
          if (data.length !== t.w * 32) {
            throw new BundleError(tileLabel(t), 'tile', `${data.length} bytes, want ${t.w * 32}`);
          }
          return data;
        }),
      ),
    saveTiles: (saved: readonly Tile[], data: readonly Buffer[]) => {
      saved.forEach((t, i) => tiles.set(tilePath(t), { tile: t, data: data[i]! }));
    },
  };
  const hashes = tileHashReader(tree, reader);
  for (const [mv, rec] of parsed) {
    let leaf: Buffer;
    try {
      [leaf] = (await hashes.readHashes([storedHashIndex(0, rec.id)])) as [Buffer];
    } catch (err) {
      if (err instanceof BundleError) throw err;
      throw new BundleError(
        `tiles proving ${recordLabel(mv)}`,
        'tile',
        `${(err as Error).message}: the tiles do not match the signed tree head`,
        { cause: err },
      );
    }
    if (!leaf.equals(recordHash(rec.text))) {
      throw new BundleError(
        recordLabel(mv),
        'record',
        `record ${rec.id} is not the one in the signed tree of size ${tree.n} (changed or forged)`,
      );
    }
  }

  for (const m of modules) {
    const mv = `${m.path}@${m.version}`;
    await verifyFiles(m, parsed.get(mv)!.text.toString('utf8'));
  }
  return { tree, records: parsed, tiles };
}

/** The signed head, verified with the key: its tree. */
export function verifyHead(note: Buffer, name: string, verifier: Verifier, label: string): Tree {
  if (verifier.name !== name) {
    throw new BundleError(
      label,
      'signature',
      `the bundle is for checksum database ${name}, the key given is ${verifier.name}`,
    );
  }
  try {
    return parseTree(open(note, verifierList(verifier)).text);
  } catch (err) {
    throw new BundleError(
      label,
      'signature',
      `the tree head does not verify with the key of ${name}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** A module version's files against its record's go.sum lines. */
async function verifyFiles(m: ModuleVersionFiles, recordText: string): Promise<void> {
  const mv = `${m.path}@${m.version}`;
  const lines = recordText.split('\n');
  const want = (suffix: string): string | undefined => {
    const prefix = `${m.path} ${m.version}${suffix} `;
    return lines.find((l) => l.startsWith(prefix))?.slice(prefix.length);
  };
  const label = (ext: string) => `${m.label ?? mv} (.${ext})`;

  const modWant = want('/go.mod');
  const modGot = hashGoMod(m.mod);
  if (modWant === undefined) {
    throw new BundleError(label('mod'), 'no-record', `the record of ${mv} has no /go.mod line`);
  }
  if (modGot !== modWant) {
    throw new BundleError(label('mod'), 'h1', `go.mod hash ${modGot}, the record says ${modWant}`);
  }

  if (m.zipFile !== undefined) {
    const zipWant = want('');
    if (zipWant === undefined) {
      throw new BundleError(label('zip'), 'no-record', `the record of ${mv} has no zip line`);
    }
    let zipGot: string;
    try {
      zipGot = (await checkZipFile(m.zipFile, m.path, m.version)).hash;
    } catch (err) {
      if (!(err instanceof ModgateError)) throw err;
      throw new BundleError(label('zip'), 'zip', err.message, { cause: err });
    }
    if (zipGot !== zipWant) {
      throw new BundleError(label('zip'), 'h1', `zip hash ${zipGot}, the record says ${zipWant}`);
    }
  }

  if (m.info !== undefined) {
    let version: unknown;
    try {
      version = (JSON.parse(m.info.toString('utf8')) as { Version?: unknown }).Version;
    } catch (err) {
      throw new BundleError(label('info'), 'info', 'not JSON', { cause: err });
    }
    if (version !== m.version) {
      throw new BundleError(
        label('info'),
        'info',
        `names version ${JSON.stringify(version)}, not ${m.version}`,
      );
    }
  }
}
