import type { Logger } from 'pino';
import { untilAborted } from '../../async/index.js';
import { ModgateError, errorKind } from '../../errors/index.js';
import type { Policy } from '../../policy/index.js';
import type { ChecksumGate, FileToStore, VersionToStore } from '../../service/checksum-gate.js';
import type { SumdbClient } from '../client/index.js';
import { SumdbForkError } from '../client/index.js';
import { zeroCounts, type ChecksumGateCounts } from './checksum-gate-counts.js';
import { compareWithDatabase } from './compare-with-database.js';

export interface SumdbChecksumGateOptions {
  /** The verifying client of the database to check against (only its lookups are used). */
  client: Pick<SumdbClient, 'name' | 'lookup'> & Partial<Pick<SumdbClient, 'settle'>>;
  /**
   * The compiled policy: paths whose `forModule(path).verify` is false (`sumdb.no_verify`,
   * GONOSUMDB) are stored without a lookup.
   */
  policy: Pick<Policy, 'forModule'>;
  /** What an unreachable database means: refuse the file, or store it unverified. */
  onUnreachable: 'refuse' | 'allow';
  logger: Pick<Logger, 'warn' | 'debug'>;
}

/** Error kinds that say the database could not be asked, rather than what it answered. */
const UNREACHABLE = new Set(['upstream', 'timeout', 'unavailable']);

/**
 * The ChecksumGate that checks every `.mod` and `.zip` modgate is about to store against one
 * checksum database, as the go command checks a download (see index.ts for the rules).
 * Throws to refuse a file; the service then stores nothing of it.
 */
export class SumdbChecksumGate implements ChecksumGate {
  private readonly tally = zeroCounts();

  constructor(private readonly options: SumdbChecksumGateOptions) {}

  /** The database checked against. */
  get database(): string {
    return this.options.client.name;
  }

  /** Totals since start-up (a copy). */
  counts(): Readonly<ChecksumGateCounts> {
    return { ...this.tally };
  }

  /**
   * Starts the version's lookup while its file downloads (the client shares and caches it, so
   * `check` then waits for the rest of it at most): on a cold proxy, the upstream fetch and
   * the database round trip no longer add up for every `.mod`. A failure is left to `check`,
   * which looks up again.
   */
  prepare(version: VersionToStore): void {
    if (version.isPrivate || !this.options.policy.forModule(version.modulePath).verify) return;
    // Asked as `check` will ask (`<version>/go.mod` for a go.mod): the same lookup either way.
    const asked = version.file === 'mod' ? `${version.version}/go.mod` : version.version;
    this.options.client.lookup(version.modulePath, asked).catch(() => undefined);
  }

  /** Waits for the client's lookup answers being written to its cache. */
  async settle(): Promise<void> {
    await this.options.client.settle?.();
  }

  async check(file: FileToStore, ctx: { signal: AbortSignal }): Promise<void> {
    const { modulePath, version } = file;
    const what = file.file === 'mod' ? 'go.mod' : 'zip';
    const subject = `${modulePath}@${version} ${what}`;
    if (file.isPrivate) {
      // Never sent to a checksum database, not even as a lookup.
      this.tally.skippedPrivate++;
      return;
    }
    if (!this.options.policy.forModule(modulePath).verify) {
      this.tally.skippedNoVerify++;
      this.options.logger.debug(
        { module: modulePath, version, file: what },
        'checksum verification skipped (sumdb.no_verify)',
      );
      return;
    }
    const db = this.options.client.name;
    let lines: string[];
    try {
      // As the go command asks: `<version>/go.mod` for a go.mod. Both forms fetch the same
      // /lookup/<path>@<version>, so the two files of a version cost one request.
      const asked = file.file === 'mod' ? `${version}/go.mod` : version;
      lines = await untilAborted(this.options.client.lookup(modulePath, asked), ctx.signal);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      this.refuseOrAllow(err, file, what, subject, db);
      return;
    }
    const verdict = compareWithDatabase(lines, modulePath, version, file.file, file.hash);
    if (verdict.result === 'match') {
      this.tally.verified++;
      return;
    }
    if (verdict.result === 'unlisted') {
      this.tally.unlisted++;
      this.options.logger.debug(
        { module: modulePath, version, file: what, database: db },
        'checksum database has no line for this file; passed, as the go command does',
      );
      return;
    }
    this.tally.mismatches++;
    this.options.logger.warn(
      {
        module: modulePath,
        version,
        file: what,
        database: db,
        expected: verdict.expected,
        actual: file.hash,
        mismatches: this.tally.mismatches,
      },
      'checksum mismatch: refused, nothing stored',
    );
    throw new ModgateError(
      'checksum',
      `checksum mismatch for ${subject}: checksum database ${db} has ${verdict.expected}, the upstream served ${file.hash}; not stored`,
    );
  }

  /** A failed lookup: returns when the file may be stored unverified, throws otherwise. */
  private refuseOrAllow(
    err: unknown,
    file: FileToStore,
    what: string,
    subject: string,
    db: string,
  ): void {
    const kind = errorKind(err);
    const reason = err instanceof Error ? err.message : String(err);
    const fields = { module: file.modulePath, version: file.version, file: what, database: db };
    if (UNREACHABLE.has(kind)) {
      if (this.options.onUnreachable === 'allow') {
        this.tally.unreachableAllowed++;
        this.options.logger.warn(
          { ...fields, error: reason, storedUnverified: this.tally.unreachableAllowed },
          'checksum database unreachable: stored unverified (sumdb.on_unreachable: allow)',
        );
        return;
      }
      this.tally.unreachableRefused++;
      this.options.logger.warn(
        { ...fields, error: reason, refused: this.tally.unreachableRefused },
        'checksum database unreachable: refused, nothing stored',
      );
      throw new ModgateError(
        'upstream',
        `checksum database ${db} could not be reached (${reason}), so ${subject} was not stored; try again later`,
        { cause: err },
      );
    }
    if (kind === 'not-found' || kind === 'gone') {
      // The go command fails the download here too ("verifying module: ... 404 Not Found"):
      // an answer, not an outage, so on_unreachable does not apply.
      this.tally.unknownToDatabase++;
      this.options.logger.warn(
        { ...fields, error: reason, refused: this.tally.unknownToDatabase },
        'checksum database has no record of this version: refused, nothing stored',
      );
      throw new ModgateError(
        'checksum',
        `verifying ${subject}: checksum database ${db} has no record of it (${reason}); not stored`,
        { cause: err },
      );
    }
    if (err instanceof SumdbForkError || kind === 'checksum') {
      // A fork, bad signatures, malformed notes or tiles: the database cannot be trusted now,
      // whatever on_unreachable says.
      this.tally.badDatabaseAnswers++;
      this.options.logger.warn(
        { ...fields, error: reason, refused: this.tally.badDatabaseAnswers },
        'checksum database answer did not verify: refused, nothing stored',
      );
      throw new ModgateError('checksum', `verifying ${subject}: ${reason}; not stored`, {
        cause: err,
      });
    }
    throw err;
  }
}
