import type { SecureContextOptions } from 'node:tls';
import type { Config } from '../config/index.js';
import { AuthGate } from '../http/auth-gate.js';
import { UsersFileSource } from '../http/auth-users-source.js';
import { ClientAddresses } from '../http/client-address.js';
import { TlsFilesWatcher, readTlsFiles } from '../http/tls-files.js';
import { createAuditLog, type AuditLog, type Logger } from '../log/index.js';
import type { Policy } from '../policy/index.js';

/** The issue-14 parts of the HTTP front, built from the configuration. */
export interface ClientSecurity {
  readonly gate: AuthGate;
  readonly clientAddresses: ClientAddresses | undefined;
  readonly audit: AuditLog | undefined;
  /** The certificate and key for HTTPS, when `tls.*` is set. */
  readonly tls: SecureContextOptions | undefined;
  /** Starts watching the users file and the TLS files; `apply` puts a new TLS pair in force. */
  watch(apply: (tls: SecureContextOptions) => void): void;
  /** SIGHUP: the users file and TLS files read again, the audit file reopened. */
  reload(): void;
  close(): void;
}

/**
 * Authentication (`auth.users_file`), access rules (already in `policy`), trusted proxies,
 * audit and TLS. Everything read here is read now: a users file or certificate that does not
 * load refuses the start (ModgateError `invalid` naming the file and line), before anything
 * listens.
 */
export function buildClientSecurity(
  config: Config,
  policy: Policy,
  logger: Logger,
): ClientSecurity {
  const users =
    config.auth.usersFile === '' ? undefined : new UsersFileSource(config.auth.usersFile, logger);
  const gate = new AuthGate({ authenticator: users?.authenticator, policy });
  if (users === undefined && !policy.anonymousReadsAll) {
    logger.warn(
      'access rules restrict reading but auth.users_file is not set: nobody can authenticate, so restricted modules cannot be read by anyone',
    );
  }
  const tls = config.tls.cert === '' ? undefined : readTlsFiles(config.tls.cert, config.tls.key);
  const audit = config.audit.enabled ? createAuditLog(config.audit.file, logger) : undefined;
  let tlsWatcher: TlsFilesWatcher | undefined;
  return {
    gate,
    clientAddresses:
      config.trustedProxies.length === 0 ? undefined : new ClientAddresses(config.trustedProxies),
    audit,
    tls,
    watch(apply) {
      users?.watch();
      if (tls !== undefined) {
        tlsWatcher = new TlsFilesWatcher(config.tls.cert, config.tls.key, apply, logger);
        tlsWatcher.watch();
      }
    },
    reload() {
      users?.reload();
      tlsWatcher?.reload();
      audit?.reopen();
    },
    close() {
      users?.close();
      tlsWatcher?.close();
      audit?.flush();
    },
  };
}
