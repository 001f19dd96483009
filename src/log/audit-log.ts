import { pino, type Logger } from 'pino';

/** One audit line: who asked for what, and what they got. */
export interface AuditEntry {
  readonly reqId: string;
  /** The authenticated user; undefined: anonymous. */
  readonly user: string | undefined;
  /** The client address (X-Forwarded-For honoured from trusted proxies only). */
  readonly client: string;
  readonly module: string;
  /** The version asked for (none for list and latest). */
  readonly version: string | undefined;
  /** `list`, `latest`, `info`, `mod`, `zip`; for admin actions (issue 15) `block`, `unblock`, `refresh`. */
  readonly file: string;
  /** The status answered (401/403/404 for refused reads; 499: the client went away). */
  readonly status: number;
  /** Admin actions: the block's id, its version range (in `version`) and reason. */
  readonly blockId?: string | undefined;
  readonly reason?: string | undefined;
}

/** Where audit lines go (issue 14 item 4). */
export interface AuditLog {
  write(entry: AuditEntry): void;
  /** Opens the file again (after log rotation; on SIGHUP). */
  reopen(): void;
  /** Writes what is buffered (before a shutdown completes). */
  flush(): void;
}

/**
 * The audit log: one JSON line per module request, kept apart from the access log so that it
 * can be retained, shipped and protected on its own. To `file` (appended, created with its
 * directory, reopened by `reopen` for log rotation), or — `file` '' — to the process logger as
 * a child named `audit` (`"logger":"audit"` in each line). Lines carry no credentials: the
 * user name only.
 */
export function createAuditLog(file: string, processLogger: Logger): AuditLog {
  if (file === '') {
    const logger = processLogger.child({ logger: 'audit' });
    return {
      write: (e) => logger.info(fields(e), 'audit'),
      reopen: () => undefined,
      flush: () => logger.flush(),
    };
  }
  const destination = pino.destination({ dest: file, append: true, mkdir: true, sync: false });
  const logger = pino(
    {
      base: { service: 'modgate', logger: 'audit' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  return {
    write: (e) => logger.info(fields(e), 'audit'),
    reopen: () => destination.reopen(),
    flush: () => {
      try {
        destination.flushSync();
      } catch {
        // not open yet (nothing written): nothing to flush
      }
    },
  };
}

function fields(e: AuditEntry): Record<string, unknown> {
  return {
    reqId: e.reqId,
    user: e.user ?? null,
    client: e.client,
    module: e.module,
    version: e.version,
    file: e.file,
    status: e.status,
    ...(e.blockId === undefined ? {} : { blockId: e.blockId }),
    ...(e.reason === undefined ? {} : { reason: e.reason }),
  };
}
