import { ModgateError } from '../errors/index.js';

/** The checks a bundle (or a module set from a sync) goes through, named in refusals. */
export type BundleCheck =
  | 'tar'
  | 'manifest'
  | 'sha256'
  | 'signature'
  | 'tile'
  | 'record'
  | 'zip'
  | 'h1'
  | 'info'
  | 'no-record'
  | 'consistency'
  | 'immutability';

/**
 * A module set refused: which entry (a bundle entry name / storage key, or `module@version`)
 * failed which check, and why. Kind `checksum` (content failed verification), except
 * `invalid` for a malformed bundle; the CLI prints the message and exits 1.
 */
export class BundleError extends ModgateError {
  constructor(
    readonly entry: string,
    readonly check: BundleCheck,
    reason: string,
    options?: { cause?: unknown; kind?: 'checksum' | 'invalid' },
  ) {
    super(options?.kind ?? 'checksum', `${entry}: ${check} check failed: ${reason}`, options);
    this.name = 'BundleError';
  }
}
