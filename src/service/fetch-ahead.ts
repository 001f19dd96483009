import { infoKey } from '../storage/module-keys.js';

/** Background `.info` fetches at most in flight (the rest are left to requests). */
export const INFO_AHEAD = 8;
/** Versions remembered as new (their `.mod` just fetched upstream), at most. */
export const NEW_VERSIONS_REMEMBERED = 1024;
/** Zips fetched ahead at once (the rest wait their turn, in the order asked). */
export const ZIPS_AHEAD = 2;
/** Zips waiting to be fetched ahead, at most (more are not fetched ahead). */
export const ZIPS_QUEUED = 256;

/** A version, as the service fetches its files ahead. */
export interface AheadVersion {
  readonly modulePath: string;
  readonly escapedPath: string;
  readonly version: string;
  readonly escapedVersion: string;
}

export interface FetchAheadOptions<V extends AheadVersion> {
  /** Fetches (and stores) the version's canonical `.info`, unless it is known already. */
  readonly info: (version: V) => unknown;
  /** Fetches, verifies and stores the version's zip, unless it is known already. */
  readonly zip: (version: V) => Promise<void>;
  /** Whether nothing of a module path is fetched ahead (private ones: version control). */
  readonly skip: (modulePath: string) => boolean;
  /** `cache.prefetch_zips`. */
  readonly zips: boolean;
}

/**
 * What the service fetches before a client asks for it, because the go command is about to.
 * The go command asks for a version's files one at a time, and fetches one module after the
 * other (GOMAXPROCS at once: one on a one-core CI runner), so on a cold proxy each file it
 * asks for costs it an upstream round trip while it does nothing else.
 *
 * - A `.mod` fetched from an upstream brings its version's `.info` along (at most INFO_AHEAD
 *   at once): `go mod download`, `go list -m` and `go get` ask for the `.info` of versions
 *   whose `.mod` they read, and then find it ready (cf. Athens, which fetches a version's
 *   three files together).
 * - `cache.prefetch_zips`: when a client then asks for the `.info` of such a version (new to
 *   this proxy, so its zip is not stored either), its zip is fetched, verified and stored in
 *   the background, ZIPS_AHEAD at once and the rest in the order asked: `go mod download` and
 *   `go get` ask for a version's `.info` right before its zip, so the zip is usually ready when
 *   asked for, fetched while the client unpacked the previous one. The trigger costs a hot
 *   `.info` answer one `size` check of an empty map once nothing is new.
 *
 * Both only after the `.mod` passed the checksum gates (a version refused there brings
 * nothing), for public modules only (a private version is a version-control lookup); each is
 * an ordinary miss (coalesced with the client's request for the same file, verified before it
 * is stored, "not found" remembered), and failures are left to the client's own requests.
 */
export class FetchAhead<V extends AheadVersion> {
  private readonly infos = new Set<Promise<unknown>>();
  /** Info key → version, for versions whose `.mod` was just fetched (oldest first). */
  private readonly fresh = new Map<string, V>();
  private readonly queue: V[] = [];
  private readonly zipsRunning = new Set<Promise<void>>();

  constructor(private readonly options: FetchAheadOptions<V>) {}

  /** The `.mod` of `version` was fetched from an upstream and passed the gates. */
  modFetched(version: V): void {
    if (this.options.skip(version.modulePath)) return;
    if (this.infos.size < INFO_AHEAD) {
      const done = (): boolean => this.infos.delete(info);
      const info = Promise.resolve(version).then(this.options.info).then(done, done);
      this.infos.add(info);
    }
    if (!this.options.zips) return;
    if (this.fresh.size >= NEW_VERSIONS_REMEMBERED) {
      const oldest = this.fresh.keys().next();
      if (oldest.done !== true) this.fresh.delete(oldest.value);
    }
    this.fresh.set(infoKey(version.escapedPath, version.escapedVersion), version);
  }

  /** A client asked for the canonical `.info` under `infoKey`. */
  infoAsked(infoKey: string): void {
    if (this.fresh.size === 0) return;
    const version = this.fresh.get(infoKey);
    if (version === undefined) return;
    this.fresh.delete(infoKey);
    if (this.queue.length >= ZIPS_QUEUED) return;
    this.queue.push(version);
    this.pump();
  }

  /**
   * Drops the zips waiting their turn and resolves once the fetches ahead that run (at most
   * INFO_AHEAD + ZIPS_AHEAD) ended, so that nothing is stored behind a shutdown's back.
   */
  async settle(): Promise<void> {
    this.queue.length = 0;
    while (this.infos.size + this.zipsRunning.size > 0) {
      await Promise.allSettled([...this.infos, ...this.zipsRunning]);
    }
  }

  /** Forgets what is queued and remembered (at shutdown). */
  stop(): void {
    this.queue.length = 0;
    this.fresh.clear();
  }

  private pump(): void {
    while (this.zipsRunning.size < ZIPS_AHEAD) {
      const version = this.queue.shift();
      if (version === undefined) return;
      const run: Promise<void> = Promise.resolve(version)
        .then(this.options.zip)
        .catch(() => undefined)
        .finally(() => {
          this.zipsRunning.delete(run);
          this.pump();
        });
      this.zipsRunning.add(run);
    }
  }
}
