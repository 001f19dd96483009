/**
 * Running totals of a SumdbChecksumGate's decisions since start-up, one per outcome, for the
 * log and a future /metrics endpoint (read with `SumdbChecksumGate.counts()`).
 */
export interface ChecksumGateCounts {
  /** Files whose `h1:` the database confirmed. */
  verified: number;
  /** Files the database has a record for, but no line for this file (passed, as in Go). */
  unlisted: number;
  /** Files refused because the database records another `h1:`. */
  mismatches: number;
  /** Files refused because the database has no record of the version (404/410). */
  unknownToDatabase: number;
  /** Files refused because the database's answer did not verify (bad note, tiles, a fork). */
  badDatabaseAnswers: number;
  /** Files refused because the database could not be reached. */
  unreachableRefused: number;
  /** Files stored unverified because the database could not be reached (on_unreachable: allow). */
  unreachableAllowed: number;
  /** Files of private module paths: never looked up. */
  skippedPrivate: number;
  /** Files of paths matching `sumdb.no_verify`: never looked up. */
  skippedNoVerify: number;
}

export function zeroCounts(): ChecksumGateCounts {
  return {
    verified: 0,
    unlisted: 0,
    mismatches: 0,
    unknownToDatabase: 0,
    badDatabaseAnswers: 0,
    unreachableRefused: 0,
    unreachableAllowed: 0,
    skippedPrivate: 0,
    skippedNoVerify: 0,
  };
}
