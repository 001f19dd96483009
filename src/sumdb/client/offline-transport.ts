import { ModgateError } from '../../errors/index.js';
import type { SumdbTransport } from './sumdb-transport.js';

/**
 * The transport of an air-gapped modgate (`sumdb.offline: true`): the database is never
 * contacted. Every request is `not-found`, so the client answers only from what storage holds
 * (signed heads, records and tiles imported with `modgate mirror import`), and a record or
 * tile the site lacks becomes a plain 404 for the go command — never an unverifiable answer,
 * and never a wait for a connection that cannot succeed.
 */
export class OfflineSumdbTransport implements SumdbTransport {
  constructor(private readonly name: string) {}

  get(path: string): Promise<Buffer> {
    const what = path.startsWith('/lookup/')
      ? `no imported record of ${path.slice('/lookup/'.length)}`
      : `no imported ${path.slice(1)}`;
    return Promise.reject(
      new ModgateError(
        'not-found',
        `checksum database ${this.name} is offline (sumdb.offline): ${what}; import a bundle that holds it (modgate mirror import)`,
      ),
    );
  }
}
