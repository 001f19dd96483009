import { createHash } from 'node:crypto';
import { formatGoTimestamp, parseRfc3339 } from '../protocol/index-feed.js';
import type { Storage } from '../storage/index.js';

/**
 * Where `mirror sync` resumes: the timestamp, in the upstream's index feed, up to which every
 * version listed is stored downstream (or was skipped as private). Kept in the downstream's
 * storage under `mirror-sync/<id>/cursor` — `mirror-sync` has no dot, so it is never a module
 * path and a data directory stays a GOPROXY tree — one per upstream (`id`: a hash of its URL
 * without credentials), as JSON `{"from": URL, "since": RFC 3339}`.
 */
export class SyncCursor {
  readonly key: string;

  constructor(
    private readonly storage: Storage,
    private readonly from: string,
  ) {
    const id = createHash('sha256').update(from).digest('hex').slice(0, 16);
    this.key = `mirror-sync/${id}/cursor`;
  }

  /** The stored cursor, or undefined when this upstream was never synced from. */
  async read(): Promise<bigint | undefined> {
    const data = await this.storage.getBytes(this.key);
    if (data === null) return undefined;
    try {
      const { since } = JSON.parse(data.toString('utf8')) as { since?: unknown };
      const ns = typeof since === 'string' ? parseRfc3339(since) : undefined;
      if (ns !== undefined) return ns;
    } catch {
      // reported below
    }
    throw new Error(`${this.key}: not a sync cursor; remove it to sync from the beginning`);
  }

  async write(sinceNs: bigint): Promise<void> {
    const body = `${JSON.stringify({ from: this.from, since: formatGoTimestamp(sinceNs) })}\n`;
    await this.storage.putBytes(this.key, Buffer.from(body));
  }
}
