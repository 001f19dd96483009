import { redactUrl } from '../../../protocol/redact-url.js';
import { doctorMessages, type DoctorTranslate } from '../../doctor-messages.js';
import { hostOf } from './private-repos.js';

/** What a failed git (or ssh) probe's stderr means, and what fixes it. */
export interface GitFailure {
  kind:
    | 'credentials-missing'
    | 'credentials-rejected'
    | 'host-key'
    | 'publickey'
    | 'not-found'
    | 'dns'
    | 'connect'
    | 'tls'
    | 'timeout'
    | 'other';
  /** One line, no secrets. */
  summary: string;
  why: string;
  fix: string[];
}

/**
 * Reads git's (or ssh's) error text for `fetchUrl`, the URL git really contacted (after
 * insteadOf). The texts are git 2.x's and OpenSSH's; the fixes are the lines a developer pastes:
 * a .netrc line with placeholders (`<user>`, `<token>`: never a real secret), an ssh-keyscan
 * with the caveat to check the fingerprint, a key to create and load. Everything returned is
 * redacted (git prints URLs, which may hold a token).
 */
export function classifyGitError(
  stderr: string,
  fetchUrl: string,
  timedOut: boolean,
  /** Where git found credentials for the host (`~/.netrc`), when it did: git then asks again after a 401, so "could not read Username" means rejected. */
  credentialSource?: string,
  /** The language of the texts (the fixes' commands are the same in every language). */
  t: DoctorTranslate = doctorMessages('en'),
): GitFailure {
  const host = hostOf(fetchUrl) ?? fetchUrl;
  const port = portOf(fetchUrl);
  const shownUrl = redactUrl(fetchUrl);
  const text = stderr;
  if (timedOut) {
    return {
      kind: 'timeout',
      summary: t('git-error.timeout'),
      why: t('git-error.timeout.why'),
      fix: [t('git-error.timeout.fix', { host })],
    };
  }
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(text)) {
    return {
      kind: 'host-key',
      summary: t('git-error.host-key', { host }),
      why: t('git-error.host-key.why'),
      fix: knownHostsFix(host, port, t),
    };
  }
  if (/Permission denied \(publickey/i.test(text)) {
    return {
      kind: 'publickey',
      summary: t('git-error.publickey', { host }),
      why: t('git-error.publickey.why'),
      fix: [
        t('git-error.publickey.keygen'),
        'ssh-add ~/.ssh/id_ed25519',
        t('git-error.publickey.add', { host }),
      ],
    };
  }
  const prompted = /could not read (Username|Password)|terminal prompts disabled/i.test(text);
  if (prompted && credentialSource !== undefined) {
    return {
      kind: 'credentials-rejected',
      summary: t('git-error.rejected.from', { host, source: credentialSource }),
      why: t('git-error.rejected.why'),
      fix: [
        t('git-error.rejected.from.fix', { host, source: credentialSource }),
        ...netrcFix(host),
      ],
    };
  }
  if (prompted) {
    return {
      kind: 'credentials-missing',
      summary: t('git-error.missing', { host }),
      why: t('git-error.missing.why'),
      fix: netrcFix(host),
    };
  }
  if (
    /Authentication failed|HTTP Basic: Access denied|returned error: 40[13]|\b40[13]\b.*(Unauthorized|Forbidden)/i.test(
      text,
    )
  ) {
    return {
      kind: 'credentials-rejected',
      summary: t('git-error.rejected', { host }),
      why: t('git-error.rejected.why'),
      fix: [t('git-error.rejected.fix', { host }), ...netrcFix(host)],
    };
  }
  if (
    /Repository not found|repository '.*' not found|does not appear to be a git repository|returned error: 404|not found/i.test(
      text,
    )
  ) {
    return {
      kind: 'not-found',
      summary: t('git-error.not-found'),
      why: t('git-error.not-found.why'),
      fix: [t('git-error.not-found.fix', { url: shownUrl })],
    };
  }
  if (
    /Could not resolve host|unable to look up|Name or service not known|Temporary failure in name resolution|nodename nor servname/i.test(
      text,
    )
  ) {
    return {
      kind: 'dns',
      summary: t('git-error.dns', { host }),
      why: t('git-error.dns.why'),
      fix: [t('git-error.dns.fix', { host })],
    };
  }
  if (
    /SSL certificate problem|server certificate verification failed|SSL_ERROR|certificate verify failed/i.test(
      text,
    )
  ) {
    return {
      kind: 'tls',
      summary: t('git-error.tls', { host }),
      why: t('git-error.tls.why'),
      fix: [t('git-error.tls.fix', { host })],
    };
  }
  if (
    /Connection refused|Failed to connect|Connection timed out|Could not connect|Network is unreachable|No route to host|Connection reset/i.test(
      text,
    )
  ) {
    return {
      kind: 'connect',
      summary: t('git-error.connect', { host }),
      why: t('git-error.connect.why'),
      fix: [t('git-error.connect.fix', { host })],
    };
  }
  return {
    kind: 'other',
    summary: t('git-error.other', { message: firstLine(redactUrl(text)) }),
    why: t('git-error.other.why'),
    fix: [t('git-error.other.fix', { url: shownUrl })],
  };
}

/** The lines that add `host`'s SSH host key to ~/.ssh/known_hosts, with the caveat to check it. */
export function knownHostsFix(
  host: string,
  port: string | undefined,
  t: DoctorTranslate = doctorMessages('en'),
): string[] {
  const keyscan =
    port === undefined || port === '22' ? `ssh-keyscan ${host}` : `ssh-keyscan -p ${port} ${host}`;
  return [
    `mkdir -p ~/.ssh && ${keyscan} >> ~/.ssh/known_hosts`,
    t('git-error.known-hosts.check', { host }),
  ];
}

/** The .netrc lines for `host`, with placeholders the developer replaces. */
export function netrcFix(host: string): string[] {
  return [`echo 'machine ${host} login <user> password <token>' >> ~/.netrc`, 'chmod 600 ~/.netrc'];
}

function portOf(url: string): string | undefined {
  try {
    const p = new URL(url).port;
    return p === '' ? undefined : p;
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? '(no message)'
  );
}
