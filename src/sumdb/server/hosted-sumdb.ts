import { ModgateError } from '../../errors/index.js';
import { isCanonicalFor } from '../../protocol/proxy-request.js';
import { Singleflight } from '../../async/index.js';
import { formatRecord, tilePath, type Tile } from '../tlog/index.js';
import type { SumdbLog } from './sumdb-log.js';

/** Where the hashes of a module version come from: the module service's stored copy. */
export interface ModuleHashSource {
  /**
   * Makes sure the version's `.mod` and `.zip` are stored (through the usual fetch path and
   * its checksum gates) and returns the `h1:` of each. Throws `not-found`/`gone` when no
   * upstream has the version, other kinds when it cannot be had right now.
   */
  storedHashes(modulePath: string, version: string): Promise<{ modHash: string; zipHash: string }>;
}

/**
 * The serving side of modgate's own checksum database (`/sumdb/<name>/...`): answers lookups
 * from the log, appending a version that is not logged yet with the hashes of the copy
 * modgate stores (so it logs exactly what it serves), and serves tiles and the signed head.
 *
 * A lookup answer is `<id>\n<text>\n` followed by a signed head whose tree holds the record,
 * as sum.golang.org answers; an unknown module version is `not-found`/`gone` (404/410: the go
 * command reports "verifying module: ... 404 Not Found"), a malformed one `invalid` (400).
 */
export class HostedSumdb {
  readonly name: string;
  private readonly lookups = new Singleflight<Buffer>();

  constructor(
    private readonly log: SumdbLog,
    private readonly source: ModuleHashSource,
  ) {
    this.name = log.name;
  }

  /** `/lookup/<path>@<version>` (the version without `/go.mod`). */
  async lookup(modulePath: string, version: string): Promise<Buffer> {
    if (!isCanonicalFor(modulePath, version)) {
      throw new ModgateError(
        'invalid',
        `${modulePath}@${version}: not a canonical version of a valid module path`,
      );
    }
    return this.lookups.do(`${modulePath}@${version}`, async () => {
      let record = await this.log.find(modulePath, version);
      if (record === undefined) {
        const { modHash, zipHash } = await this.source.storedHashes(modulePath, version);
        const text = `${modulePath} ${version} ${zipHash}\n${modulePath} ${version}/go.mod ${modHash}\n`;
        record = await this.log.append(modulePath, version, Buffer.from(text));
      }
      // The head read after the record is committed holds it.
      return Buffer.concat([formatRecord(record.id, record.text), this.log.signedHead]);
    });
  }

  /** `/tile/...`: `not-found` beyond the tree, or for a partial tile superseded by its full one. */
  async readTile(tile: Tile): Promise<Buffer> {
    const data = await this.log.readTile(tile);
    if (data === null) {
      throw new ModgateError(
        'not-found',
        `checksum database ${this.name}: ${tilePath(tile)} is not in the tree of size ${this.log.tree.n}`,
      );
    }
    return data;
  }

  /** `/latest`: the signed tree head (as stored now: another replica may have appended). */
  async latest(): Promise<Buffer> {
    // A head that cannot be read now: the one this replica has (older, and just as valid).
    await this.log.refresh().catch(() => undefined);
    return this.log.signedHead;
  }
}
