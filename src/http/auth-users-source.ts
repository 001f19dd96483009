import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import type { Logger } from 'pino';
import { ModgateError } from '../errors/index.js';
import { Authenticator, type AuthenticatorOptions } from './auth-authenticator.js';
import { parseUsersFile, type UsersTable } from './auth-users-file.js';

/** Reads and parses the users file; ModgateError `invalid` naming the file (and line). */
export function readUsersFile(path: string): UsersTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ModgateError(
      'invalid',
      `auth.users_file: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return parseUsersFile(text, path);
}

/**
 * The users file in force: read once at start-up (a mistake refuses the start, naming the
 * line), then read again when it changes (polled: `watchFile` sees editors that replace the
 * file by renaming, where `fs.watch` loses track) and on `reload()` (SIGHUP). A file that does
 * not parse on reload is logged, naming the line, and the users loaded before stay in force.
 */
export class UsersFileSource {
  readonly authenticator: Authenticator;
  private watching = false;

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
    options: AuthenticatorOptions & { pollMs?: number } = {},
  ) {
    this.authenticator = new Authenticator(readUsersFile(path), options);
    this.pollMs = options.pollMs ?? 2000;
  }

  private readonly pollMs: number;

  /** Starts watching the file for changes. */
  watch(): void {
    if (this.watching) return;
    this.watching = true;
    watchFile(this.path, { interval: this.pollMs, persistent: false }, this.onChange);
  }

  /** Reads the file again; true when the new users are in force. */
  reload(): boolean {
    try {
      const table = readUsersFile(this.path);
      this.authenticator.replace(table);
      this.logger.info({ file: this.path, users: table.users.size }, 'users file reloaded');
      return true;
    } catch (err) {
      this.logger.error(
        { file: this.path, err: (err as Error).message },
        'users file not reloaded: the users loaded before stay in force',
      );
      return false;
    }
  }

  close(): void {
    if (this.watching) unwatchFile(this.path, this.onChange);
    this.watching = false;
  }

  private readonly onChange = (now: Stats, before: Stats): void => {
    if (
      now.mtimeMs === before.mtimeMs &&
      now.size === before.size &&
      now.ino === before.ino &&
      now.ctimeMs === before.ctimeMs
    ) {
      return;
    }
    if (now.nlink === 0 && now.size === 0) return; // removed (perhaps being replaced): keep
    this.reload();
  };
}
