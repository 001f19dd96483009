/** A `.mod` or `.zip` taken from an upstream, about to be stored. */
export interface FileToStore {
  readonly modulePath: string;
  readonly version: string;
  readonly file: 'mod' | 'zip';
  /** Its `h1:` hash, as go.sum and checksum databases record it. */
  readonly hash: string;
  /** Whether the module path is private (the policy's `private`): never sent to a public database. */
  readonly isPrivate: boolean;
}

/**
 * A check run on every `.mod` and `.zip` taken from an upstream, after the zip rules passed
 * and before anything is stored (checksum databases plug in here; the stash runs the gates).
 * Throwing refuses the file: nothing is stored and the client gets the error (a `checksum`
 * error becomes a 502).
 */
export interface ChecksumGate {
  check(file: FileToStore, ctx: { signal: AbortSignal }): Promise<void>;
  /**
   * Optional: a file of this module version is about to be fetched from an upstream. A gate
   * may start what needs no hash (a checksum-database lookup), so that it runs alongside the
   * download instead of after it; `check` still decides, on its own. Never throws.
   */
  prepare?(version: VersionToStore, ctx: { signal: AbortSignal }): void;
  /**
   * Optional: resolves once work the gate left running behind its checks (e.g. a lookup
   * answer being written to a cache) has ended; the service's `settle` waits for it.
   */
  settle?(): Promise<void>;
}

/** The `.mod` or `.zip` about to be fetched (see ChecksumGate.prepare): no hash yet. */
export type VersionToStore = Omit<FileToStore, 'hash'>;
