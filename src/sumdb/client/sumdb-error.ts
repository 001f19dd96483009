import { ModgateError, type ErrorKind } from '../../errors/index.js';
import type { Tree } from '../tlog/index.js';
import { formatHash } from '../tlog/index.js';

/**
 * A failure talking to checksum database `name`, with context. Kinds that describe the
 * database's reachability (`not-found`, `gone`, `upstream`, `timeout`, `unavailable`) and
 * local failures (`internal`) are kept; everything the database sent that did not parse or
 * verify (`invalid`, `checksum`, `too-large`) becomes `checksum`: the answer cannot be trusted,
 * whatever the caller asked.
 */
export function sumdbError(name: string, context: string, err: unknown): ModgateError {
  if (err instanceof SumdbForkError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const cause: ErrorKind = err instanceof ModgateError ? err.kind : 'internal';
  const kind: ErrorKind =
    cause === 'invalid' || cause === 'checksum' || cause === 'too-large' ? 'checksum' : cause;
  return new ModgateError(kind, `checksum database ${name}: ${context}: ${message}`, {
    cause: err,
  });
}

/**
 * The database served two tree heads that cannot both be true: the older tree is not a
 * prefix of the newer one. This is the go command's "SECURITY ERROR ... go.sum database
 * server misbehavior detected!". Both signed notes travel with the error as evidence; the
 * remembered tree head is kept.
 */
export class SumdbForkError extends ModgateError {
  constructor(
    readonly database: string,
    readonly older: Tree,
    readonly olderNote: string,
    readonly newer: Tree,
    readonly newerNote: string,
    /** The hash of the first older.n records according to the newer tree's tiles. */
    readonly newerPrefixHash: Buffer,
  ) {
    super(
      'checksum',
      `checksum database ${database} misbehavior: fork detected: ` +
        `tree #${older.n} (${formatHash(older.hash)}) is not a prefix of ` +
        `tree #${newer.n} (${formatHash(newer.hash)}), whose first ${older.n} records hash to ` +
        `${formatHash(newerPrefixHash)}; the remembered tree head is kept`,
    );
    this.name = 'SumdbForkError';
  }
}
