import type { Logger } from 'pino';
import { BoundedCache, objectBytes, stringBytes } from '../cache/index.js';
import { ModgateError } from '../errors/index.js';
import type { ChecksumGate, FileToStore } from './checksum-gate.js';
import type { ValidatorClient, VersionToValidate } from './validator-client.js';

export interface ValidatorGateOptions {
  readonly client: ValidatorClient;
  /** `validator.private_service`: private module paths may be sent (else they pass unasked). */
  readonly privateService: boolean;
  /** The `h1:` of the version's go.mod, as the service serves it (fetched if need be). */
  readonly goModHash: (modulePath: string, version: string) => Promise<string>;
  /** How long a veto is replayed without asking again (`cache.not_found_ttl`; 0: never). */
  readonly vetoTtlMs: number;
  readonly logger?: Logger | undefined;
}

/**
 * The validator hook as a gate of the stash (issue 14 item 3): run on a version's zip after
 * the zip rules, the `h1:` hash and the checksum databases, before it is stored; a veto
 * refuses it (`forbidden`, 403 with the validator's reason) and nothing is stored. The
 * version's `.mod` passes unasked (the go command reads go.mod files of versions it never
 * builds; the code is in the zip).
 *
 * Private module paths are sent only when the validator is declared the company's own
 * service (`privateService`): otherwise they pass unvalidated, as they never leave for any
 * other outside service. A veto is replayed for `vetoTtlMs` (the not-found TTL) for the same
 * zip, so a fixed scanner can allow the version soon after; an allowed version is stored and
 * never asked about again.
 */
export class ValidatorGate implements ChecksumGate {
  private readonly vetoes: BoundedCache<string>;

  constructor(private readonly options: ValidatorGateOptions) {
    this.vetoes = new BoundedCache<string>({
      maxBytes: 1024 * 1024,
      sizeOf: (reason) => objectBytes(1) + stringBytes(reason),
    });
  }

  async check(file: FileToStore, ctx: { signal: AbortSignal }): Promise<void> {
    if (file.file !== 'zip') return;
    if (file.isPrivate && !this.options.privateService) return;
    const goModH1 = await this.options.goModHash(file.modulePath, file.version);
    await this.validate(
      { module: file.modulePath, version: file.version, h1: file.hash, go_mod_h1: goModH1 },
      ctx.signal,
    );
  }

  /** Asks the validator (or replays a recent veto); throws `forbidden` on a veto. */
  async validate(version: VersionToValidate, signal?: AbortSignal): Promise<void> {
    const key = `${version.module}@${version.version} ${version.h1}`;
    const replayed = this.vetoes.get(key);
    if (replayed !== undefined) throw vetoError(version, replayed);
    const verdict = await this.options.client.validate(version, signal);
    if (verdict.allow) {
      if (verdict.unverified !== undefined) {
        this.options.logger?.warn(
          { module: version.module, version: version.version },
          `${verdict.unverified}; stored without a verdict (validator.fail_open is true)`,
        );
      }
      return;
    }
    if (this.options.vetoTtlMs > 0) this.vetoes.set(key, verdict.reason, this.options.vetoTtlMs);
    throw vetoError(version, verdict.reason);
  }
}

function vetoError(version: VersionToValidate, reason: string): ModgateError {
  return new ModgateError(
    'forbidden',
    `${version.module}@${version.version} refused by the validator: ${reason}`,
  );
}
