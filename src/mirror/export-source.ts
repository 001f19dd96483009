import type { Tile } from '../sumdb/tlog/index.js';

/**
 * Where `mirror export` reads a module set from: a running modgate (any GOPROXY that also
 * serves `/sumdb/<name>/`) or modgate's own storage. Nothing read here is trusted: the export
 * verifies it all (verifyModuleSet) before writing a bundle.
 */
export interface ExportSource {
  /** For messages, without credentials. */
  readonly description: string;
  /** A `.info` or `.mod` file by storage key (the GOPROXY URL layout); null when missing. */
  getFile(key: string): Promise<Buffer | null>;
  /** Copies a `.zip` by storage key into the local file `dest`; false when missing. */
  copyZip(key: string, dest: string): Promise<boolean>;
  /** The database's signed tree head. */
  sumdbLatest(): Promise<Buffer>;
  /**
   * The lookup answer for a module version; null when the database has no record of it (or
   * refuses to be asked: a private module).
   */
  sumdbLookup(path: string, version: string): Promise<Buffer | null>;
  /** A hash tile of the database; undefined when it cannot be had. */
  sumdbTile(tile: Tile): Promise<Buffer | undefined>;
  close?(): Promise<void>;
}
