import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { errorKind } from '../errors/index.js';
import type { Storage } from '../storage/index.js';
import type { SumdbClient } from '../sumdb/client/index.js';
import type { Tile } from '../sumdb/tlog/index.js';
import type { ExportSource } from './export-source.js';

/**
 * An ExportSource over modgate's own storage (`--config` / `--data-dir`): module files as
 * stored, checksum-database answers through a verifying SumdbClient over the same storage —
 * its cached lookups and tiles, the database itself for what is not cached (unless
 * `sumdb.offline`).
 */
export class StorageExportSource implements ExportSource {
  constructor(
    private readonly storage: Storage,
    private readonly client: SumdbClient,
  ) {}

  get description(): string {
    return this.storage.description;
  }

  getFile(key: string): Promise<Buffer | null> {
    return this.storage.getBytes(key);
  }

  async copyZip(key: string, dest: string): Promise<boolean> {
    const found = await this.storage.openRead(key);
    if (found === null) return false;
    await pipeline(found.stream, createWriteStream(dest));
    return true;
  }

  async sumdbLatest(): Promise<Buffer> {
    try {
      return await this.client.latest();
    } catch (err) {
      // Unreachable: the head remembered (and proved) so far still proves the cached records.
      const remembered = await this.client.remembered();
      if (remembered.length === 0) throw err;
      return remembered;
    }
  }

  async sumdbLookup(path: string, version: string): Promise<Buffer | null> {
    try {
      return (await this.client.lookupRecord(path, version)).data;
    } catch (err) {
      const kind = errorKind(err);
      if (kind === 'not-found' || kind === 'gone' || kind === 'forbidden') return null;
      throw err;
    }
  }

  async sumdbTile(tile: Tile): Promise<Buffer | undefined> {
    try {
      return (await this.client.readTile(tile)).data;
    } catch (err) {
      if (errorKind(err) === 'not-found') return undefined;
      throw err;
    }
  }
}
