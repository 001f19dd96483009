import { escapePath, escapeVersion } from '../../module/index.js';
import { tilePath, type Tile } from '../tlog/index.js';

/**
 * Where modgate's own checksum database lives in storage: everything under
 * `sumdb-server/<name>/`, apart from `sumdb/<name>/`, which holds the caches of the databases
 * modgate proxies as a client.
 *
 * - `signer-key`: the Ed25519 signer key (`PRIVATE+KEY+...`). A secret: no HTTP route maps to
 *   it, but a data directory served as a whole (nginx, `GOPROXY=file://`) would expose it.
 * - `latest`: the signed tree head. The one source of truth for the log's size.
 * - `tile/<H>/<L>/<NNN>[.p/<W>]`: hash tiles; `tile/<H>/data/...`: data tiles (the record
 *   texts, each followed by a blank line, as sum.golang.org serves them).
 * - `records/<escaped path>@<escaped version>`: `<id>\n<record text>` — the index from a module
 *   version to its record. Trusted only when `id` is inside the signed tree and the leaf
 *   hash there is the text's.
 */
export class LogLayout {
  readonly prefix: string;

  constructor(readonly name: string) {
    this.prefix = `sumdb-server/${name}/`;
  }

  get signerKey(): string {
    return `${this.prefix}signer-key`;
  }

  get latest(): string {
    return `${this.prefix}latest`;
  }

  tile(t: Tile): string {
    return this.prefix + tilePath(t);
  }

  record(modulePath: string, version: string): string {
    return `${this.prefix}records/${escapePath(modulePath)}@${escapeVersion(version)}`;
  }
}
