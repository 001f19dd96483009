import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import { ModgateError } from '../errors/index.js';

/**
 * Reads a PEM certificate (chain) and private key and checks that they load together (a
 * secure context is made of them); ModgateError `invalid` naming the file and OpenSSL's
 * reason otherwise. The key's bytes are never part of a message.
 */
export function readTlsFiles(cert: string, key: string): SecureContextOptions {
  const read = (what: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ModgateError(
        'invalid',
        `${what}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  };
  const options = { cert: read('tls.cert', cert), key: read('tls.key', key) };
  try {
    createSecureContext(options);
  } catch (err) {
    const reason = (err as Error).message;
    throw new ModgateError(
      'invalid',
      `tls.cert ${cert} and tls.key ${key} do not load as a PEM certificate and its private key: ${reason}`,
    );
  }
  return options;
}

/**
 * Keeps the certificate of a listening HTTPS server current (issue 14 item 5): when either
 * file changes (polled, so renamed-into-place files are seen) or on `reload()` (SIGHUP), both
 * are read again and, if they load, put in force for new connections with `apply`
 * (server.setSecureContext): open connections keep theirs and nothing is dropped. A pair
 * that does not load is logged and the one in force kept (renewal tools write the two files
 * one after the other: the next change, or SIGHUP, completes the pair).
 */
export class TlsFilesWatcher {
  private watching = false;

  constructor(
    private readonly cert: string,
    private readonly key: string,
    private readonly apply: (options: SecureContextOptions) => void,
    private readonly logger: Logger,
    private readonly pollMs = 2000,
  ) {}

  watch(): void {
    if (this.watching) return;
    this.watching = true;
    for (const file of [this.cert, this.key]) {
      watchFile(file, { interval: this.pollMs, persistent: false }, this.onChange);
    }
  }

  /** Reads both files again; true when the new pair is in force. */
  reload(): boolean {
    try {
      this.apply(readTlsFiles(this.cert, this.key));
      this.logger.info({ cert: this.cert }, 'TLS certificate reloaded');
      return true;
    } catch (err) {
      this.logger.error(
        { cert: this.cert, key: this.key, err: (err as Error).message },
        'TLS certificate not reloaded: the one loaded before stays in force',
      );
      return false;
    }
  }

  close(): void {
    if (!this.watching) return;
    this.watching = false;
    for (const file of [this.cert, this.key]) unwatchFile(file, this.onChange);
  }

  private readonly onChange = (now: Stats, before: Stats): void => {
    if (now.mtimeMs === before.mtimeMs && now.size === before.size && now.ino === before.ino) {
      return;
    }
    if (now.nlink === 0) return; // removed (perhaps being replaced): wait for the new file
    this.reload();
  };
}
