import { createWriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ModgateError } from '../errors/index.js';
import { escapePath, escapeVersion, isPseudoVersion } from '../module/index.js';
import { parseGoMod } from '../modfile/index.js';
import { blockedError, blockingRule, type Policy } from '../policy/index.js';
import { formatInfoJson } from '../protocol/info-json.js';
import { isCanonicalFor } from '../protocol/proxy-request.js';
import { build } from '../semver/index.js';
import { infoKey, modKey, zipKey } from '../storage/module-keys.js';
import type { Storage } from '../storage/storage.js';
import { DEFAULT_MAX_ZIP_ENTRIES, hashGoMod } from '../zip/index.js';
import { checkZipFile, hashZipFile, ModuleZipReader } from '../zip/files/index.js';
import type { ValidatorGate } from './validator-gate.js';

/** One publish request: the uploaded zip, spooled to a file of the caller's. */
export interface PublishRequest {
  readonly modulePath: string;
  readonly version: string;
  /** The module zip (x/mod layout: every file under `<module>@<version>/`, a go.mod at its root). */
  readonly zipFile: string;
  /** Who publishes (the authenticated user, or `anonymous`), recorded with the version. */
  readonly publisher: string;
}

/** What happened: `created` (201), `unchanged` (200, the same content again), `conflict` (409). */
export interface PublishOutcome {
  readonly outcome: 'created' | 'unchanged' | 'conflict';
  readonly modulePath: string;
  readonly version: string;
  /** The zip's and the go.mod's `h1:` (go.sum lines). */
  readonly h1: string;
  readonly goModH1: string;
  readonly message: string;
}

export interface PublisherOptions {
  readonly storage: Storage;
  readonly policy: Policy;
  /** A directory of this process's own for copies of stored zips being compared. */
  readonly spoolDir: string;
  readonly maxZipBytes: number;
  readonly validator?: ValidatorGate | undefined;
  /**
   * modgate's own checksum database, when there is one: the hashes it logged for a version,
   * and logging a new one (its lookup logs what is stored).
   */
  readonly sumdb?:
    | {
        logged(
          modulePath: string,
          version: string,
        ): Promise<{ h1: string; goModH1: string } | undefined>;
        record(modulePath: string, version: string): Promise<void>;
      }
    | undefined;
  /** Told once a version is stored (the service forgets its cached list and @latest). */
  readonly onPublished?: ((modulePath: string) => Promise<void>) | undefined;
  readonly now?: (() => Date) | undefined;
}

/** Where the publisher of a version is recorded: outside the GOPROXY URL space (`-` starts no module path). */
export function publishRecordKey(modulePath: string, version: string): string {
  return `-/published/${escapePath(modulePath)}/@v/${escapeVersion(version)}.json`;
}

/**
 * Hosted modules (issue 14 item 6): the server side of `modgate publish`. A version is
 * checked — a hosted (`publish.modules`) and private path, a canonical version valid for the
 * path (major version suffix), not a pseudo-version or `+incompatible`, not blocked; the zip
 * under x/mod's rules and the size limit; a go.mod at its root whose `module` line is the path
 * — then validated (the validator hook), then stored: `.mod`, `.zip`, then `.info` with the
 * publish time (the `.info` makes it listed: HostedUpstream), and a record of who published.
 *
 * Immutable: a version whose `.info` is stored (or that modgate's own checksum database
 * logged) is never replaced; publishing the same zip again is `unchanged`, another is a
 * `conflict`. Publishes of one version are serialised in this process; across replicas the
 * checksum database's log (when configured) is what fixes the content first logged.
 * Bad input is `invalid` (400), refusals `forbidden` (403); nothing is stored then.
 */
export class Publisher {
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(private readonly options: PublisherOptions) {}

  publish(req: PublishRequest, signal?: AbortSignal): Promise<PublishOutcome> {
    const key = `${req.modulePath}@${req.version}`;
    const before = this.running.get(key) ?? Promise.resolve();
    const next = before.then(
      () => this.publishNow(req, signal),
      () => this.publishNow(req, signal),
    );
    this.running.set(key, next);
    const forget = (): void => {
      if (this.running.get(key) === next) this.running.delete(key);
    };
    next.then(forget, forget);
    return next;
  }

  private async publishNow(req: PublishRequest, signal?: AbortSignal): Promise<PublishOutcome> {
    const { modulePath, version } = req;
    this.checkPath(modulePath, version);
    let h1: string;
    try {
      h1 = (
        await checkZipFile(req.zipFile, modulePath, version, {
          maxZipBytes: this.options.maxZipBytes,
          ...(signal ? { signal } : {}),
        })
      ).hash;
    } catch (err) {
      if (signal?.aborted === true) throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new ModgateError('invalid', `invalid module zip for ${modulePath}@${version}: ${why}`, {
        cause: err,
      });
    }
    const goMod = await readGoMod(req.zipFile, modulePath, version);
    const goModH1 = hashGoMod(goMod);
    const result = { modulePath, version, h1, goModH1 };

    const existing = await this.existing(modulePath, version, signal);
    if (existing !== undefined) {
      if (existing.h1 === h1 && existing.goModH1 === goModH1) {
        await this.options.sumdb?.record(modulePath, version);
        return {
          ...result,
          outcome: 'unchanged',
          message: `${key(result)} is already published with this content`,
        };
      }
      return {
        ...result,
        outcome: 'conflict',
        message: `${key(result)} is already published with other content (zip ${existing.h1}, go.mod ${existing.goModH1}); versions are immutable: publish a new version`,
      };
    }
    await this.options.validator?.validate(
      { module: modulePath, version, h1, go_mod_h1: goModH1 },
      signal,
    );

    const storage = this.options.storage;
    const ep = escapePath(modulePath);
    const ev = escapeVersion(version);
    const now = this.options.now?.() ?? new Date();
    await storage.putBytes(modKey(ep, ev), goMod, signal);
    const { size } = await stat(req.zipFile);
    await storage.putFile(zipKey(ep, ev), req.zipFile, size, signal);
    const record = {
      Module: modulePath,
      Version: version,
      Publisher: req.publisher,
      Time: now.toISOString(),
      Sum: h1,
      GoModSum: goModH1,
    };
    await storage.putBytes(
      publishRecordKey(modulePath, version),
      Buffer.from(JSON.stringify(record) + '\n'),
      signal,
    );
    // Last: the .info makes the version published (listed, and immutable from now on).
    await storage.putBytes(infoKey(ep, ev), Buffer.from(formatInfoJson(version, now)), signal);
    await this.options.onPublished?.(modulePath);
    await this.options.sumdb?.record(modulePath, version);
    return { ...result, outcome: 'created', message: `published ${key(result)}` };
  }

  /** Path and version rules; `forbidden` for paths modgate does not host or blocked versions. */
  private checkPath(modulePath: string, version: string): void {
    if (!isCanonicalFor(modulePath, version)) {
      throw new ModgateError(
        'invalid',
        `${modulePath}@${version}: not a canonical semantic version valid for this module path (want e.g. v1.2.3; a /vN path needs vN.x.y)`,
      );
    }
    if (build(version) !== '') {
      throw new ModgateError(
        'invalid',
        `${modulePath}@${version}: +incompatible versions cannot be published (a published module has a go.mod)`,
      );
    }
    if (isPseudoVersion(version)) {
      throw new ModgateError(
        'invalid',
        `${modulePath}@${version}: pseudo-versions cannot be published; tag a version`,
      );
    }
    const policy = this.options.policy.forModule(modulePath);
    if (!policy.hosted || !policy.private) {
      throw new ModgateError(
        'forbidden',
        `${modulePath} is not a module path this modgate hosts: it must match publish.modules and private (hosted modules are private, never looked up elsewhere)`,
      );
    }
    const rule = blockingRule(policy.deny, version);
    if (rule !== undefined) throw blockedError(modulePath, version, rule);
  }

  /** The hashes of what is published (or logged) already, if anything. */
  private async existing(
    modulePath: string,
    version: string,
    signal?: AbortSignal,
  ): Promise<{ h1: string; goModH1: string } | undefined> {
    const logged = await this.options.sumdb?.logged(modulePath, version);
    if (logged !== undefined) return logged;
    const storage = this.options.storage;
    const ep = escapePath(modulePath);
    const ev = escapeVersion(version);
    if ((await storage.stat(infoKey(ep, ev), signal)) === null) return undefined;
    const mod = await storage.getBytes(modKey(ep, ev), signal);
    const stored = await storage.openRead(zipKey(ep, ev), undefined, signal);
    if (mod === null || stored === null) {
      stored?.stream.destroy();
      throw new ModgateError(
        'internal',
        `${modulePath}@${version}: published, but its .mod or .zip is missing from storage`,
      );
    }
    const copy = join(this.options.spoolDir, `published-${randomBytes(6).toString('hex')}.zip`);
    try {
      await pipeline(stored.stream, createWriteStream(copy, { mode: 0o600 }));
      return { h1: await hashZipFile(copy), goModH1: hashGoMod(mod) };
    } finally {
      await unlink(copy).catch(() => undefined);
    }
  }
}

function key(r: { modulePath: string; version: string }): string {
  return `${r.modulePath}@${r.version}`;
}

/** The go.mod at the zip's root; `invalid` when there is none or it names another module. */
async function readGoMod(zipFile: string, modulePath: string, version: string): Promise<Buffer> {
  const label = `zip for ${modulePath}@${version}`;
  const reader = await ModuleZipReader.open(zipFile, {
    label,
    maxEntries: DEFAULT_MAX_ZIP_ENTRIES,
  });
  try {
    const want = `${modulePath}@${version}/go.mod`;
    for await (const entry of reader.entries()) {
      if (entry.rawName.toString('utf8') !== want) continue;
      const chunks: Buffer[] = [];
      await reader.readContent(entry, (chunk) => void chunks.push(chunk));
      const data = Buffer.concat(chunks);
      let declared: string | undefined;
      try {
        declared = parseGoMod(data).module?.path;
      } catch (err) {
        throw new ModgateError('invalid', `${label}: go.mod: ${(err as Error).message}`, {
          cause: err,
        });
      }
      if (declared !== modulePath) {
        throw new ModgateError(
          'invalid',
          `${label}: go.mod declares module ${declared ?? '(none)'}, but the version is published as ${modulePath}`,
        );
      }
      return data;
    }
  } finally {
    await reader.close();
  }
  throw new ModgateError(
    'invalid',
    `${label}: no go.mod at the module root (a published module needs one)`,
  );
}
