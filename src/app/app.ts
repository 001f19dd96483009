/**
 * A running modgate server as the CLI sees it: built by `buildApp` in build-app.ts (the
 * composition root), started once, stopped once.
 */
export interface App {
  /**
   * Binds the listener; resolves with the base URL it listens on (e.g. http://127.0.0.1:3000),
   * and that of the separate metrics listener when `metrics.listen` is set.
   */
  start(): Promise<{ url: string; metricsUrl?: string | undefined }>;
  /**
   * Graceful stop: stops accepting connections, lets in-flight requests (downloads included)
   * finish for up to the configured grace period, then closes storage and upstream pools.
   */
  stop(): Promise<void>;
  /**
   * Resolves once every file answered so far is stored (or failed to be): stores run behind the
   * answers (service/stash.ts). For tests and tools that read the data directory next.
   */
  settle(): Promise<void>;
  /**
   * SIGHUP: reads the users file and the TLS certificate again (a bad one is logged and the
   * old kept) and reopens the audit file (log rotation).
   */
  reload?(): void;
}
