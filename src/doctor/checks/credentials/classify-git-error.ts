import { redactUrl } from '../../../protocol/redact-url.js';
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
): GitFailure {
  const host = hostOf(fetchUrl) ?? fetchUrl;
  const port = portOf(fetchUrl);
  const shownUrl = redactUrl(fetchUrl);
  const text = stderr;
  if (timedOut) {
    return {
      kind: 'timeout',
      summary: 'no answer in time',
      why: 'the go command would hang here too; a silent drop is usually a firewall or an unreachable host',
      fix: [`see the network layer's findings for ${host}`],
    };
  }
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(text)) {
    return {
      kind: 'host-key',
      summary: `${host}'s SSH host key is not in ~/.ssh/known_hosts (Host key verification failed)`,
      why: 'in batch mode (as under the go command) ssh refuses a host it cannot verify',
      fix: knownHostsFix(host, port),
    };
  }
  if (/Permission denied \(publickey/i.test(text)) {
    return {
      kind: 'publickey',
      summary: `${host} refused every SSH key offered (Permission denied (publickey))`,
      why: 'git reaches this repository over ssh and no loaded key is accepted by the server',
      fix: [
        'ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519   # if you have no key yet',
        'ssh-add ~/.ssh/id_ed25519',
        `# then add ~/.ssh/id_ed25519.pub to your account on ${host}`,
      ],
    };
  }
  const prompted = /could not read (Username|Password)|terminal prompts disabled/i.test(text);
  if (prompted && credentialSource !== undefined) {
    return {
      kind: 'credentials-rejected',
      summary: `${host} rejected the credentials git sent (from ${credentialSource})`,
      why: 'a token that expired, was revoked or lacks read access to this repository',
      fix: [
        `# replace the token for ${host} in ${credentialSource} with a valid one:`,
        ...netrcFix(host),
      ],
    };
  }
  if (prompted) {
    return {
      kind: 'credentials-missing',
      summary: `needs credentials, and git has none for ${host}`,
      why: 'the go command runs git without prompts: with no .netrc entry or credential helper answer, the download fails',
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
      summary: `${host} rejected the credentials git sent`,
      why: 'a token that expired, was revoked or lacks read access to this repository',
      fix: [
        `# replace the token for ${host} in ~/.netrc (or your credential helper) with a valid one:`,
        ...netrcFix(host),
      ],
    };
  }
  if (
    /Repository not found|repository '.*' not found|does not appear to be a git repository|returned error: 404|not found/i.test(
      text,
    )
  ) {
    return {
      kind: 'not-found',
      summary: 'repository not found',
      why: 'a wrong module path or rewrite, or a private repository the credentials cannot see (many hosts answer 404, not 403)',
      fix: [`git ls-remote ${shownUrl}   # check the URL and that your account can read it`],
    };
  }
  if (
    /Could not resolve host|unable to look up|Name or service not known|Temporary failure in name resolution|nodename nor servname/i.test(
      text,
    )
  ) {
    return {
      kind: 'dns',
      summary: `${host} does not resolve`,
      why: 'git cannot reach the repository host',
      fix: [`see the network layer's DNS findings for ${host}`],
    };
  }
  if (
    /SSL certificate problem|server certificate verification failed|SSL_ERROR|certificate verify failed/i.test(
      text,
    )
  ) {
    return {
      kind: 'tls',
      summary: `${host}'s TLS certificate is not trusted by git`,
      why: 'git (curl) verifies the certificate chain; a TLS-intercepting proxy or a missing company CA breaks it',
      fix: [`see the network layer's TLS findings for ${host}`],
    };
  }
  if (
    /Connection refused|Failed to connect|Connection timed out|Could not connect|Network is unreachable|No route to host|Connection reset/i.test(
      text,
    )
  ) {
    return {
      kind: 'connect',
      summary: `cannot connect to ${host}`,
      why: 'git cannot open a connection to the repository host',
      fix: [`see the network layer's TCP findings for ${host}`],
    };
  }
  return {
    kind: 'other',
    summary: `git failed: ${firstLine(redactUrl(text))}`,
    why: 'the go command runs the same git command and would fail the same way',
    fix: [`GIT_TERMINAL_PROMPT=0 GIT_TRACE=1 git ls-remote ${shownUrl}   # to see more`],
  };
}

/** The lines that add `host`'s SSH host key to ~/.ssh/known_hosts, with the caveat to check it. */
export function knownHostsFix(host: string, port: string | undefined): string[] {
  const keyscan =
    port === undefined || port === '22' ? `ssh-keyscan ${host}` : `ssh-keyscan -p ${port} ${host}`;
  return [
    `mkdir -p ~/.ssh && ${keyscan} >> ~/.ssh/known_hosts`,
    `# first compare the fingerprints (ssh-keygen -lf ~/.ssh/known_hosts) with the ones ${host}'s administrators publish`,
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
