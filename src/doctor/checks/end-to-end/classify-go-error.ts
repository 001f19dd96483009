import type { Layer } from '../../finding.js';
import type { DoctorMessages } from '../../messages/en.js';

/** Which layer a go command error points at, and the checks whose findings explain it. */
export interface GoFailureLayer {
  layer: Layer;
  /** Check ids to read first (their findings say what to fix). */
  checks: string[];
  /** One line: what went wrong, in the terms of that layer (a key of doctor's catalogs). */
  cause: keyof DoctorMessages & `e2e.cause.${string}`;
}

interface Rule {
  test: RegExp;
  /** Further condition on the whole text. */
  also?: RegExp;
  result: GoFailureLayer;
}

/**
 * The go command's (1.19) error texts, most specific first: a certificate problem, a proxy, DNS
 * and TCP are checked before "verifying module" so a checksum database that cannot be reached
 * reads as the network, not as GONOSUMDB.
 */
const RULES: Rule[] = [
  {
    test: /SECURITY ERROR|checksum mismatch/,
    result: {
      layer: 'module',
      checks: ['module.go-sum', 'go.gosumdb'],
      cause: 'e2e.cause.checksum',
    },
  },
  {
    test: /x509:|certificate signed by unknown authority|certificate has expired|certificate is (valid for|not valid)|tls: /,
    result: {
      layer: 'network',
      checks: ['network.tls'],
      cause: 'e2e.cause.tls',
    },
  },
  {
    test: /proxyconnect/,
    result: {
      layer: 'network',
      checks: ['network.proxy-selection', 'network.proxy-connect'],
      cause: 'e2e.cause.proxy',
    },
  },
  {
    test: /no such host|server misbehaving|Temporary failure in name resolution|Could not resolve host|unable to look up/,
    result: {
      layer: 'network',
      checks: ['network.dns'],
      cause: 'e2e.cause.dns',
    },
  },
  {
    test: /connection refused|i\/o timeout|dial tcp|network is unreachable|connection reset|no route to host|TLS handshake timeout|context deadline exceeded|Failed to connect|Connection timed out/i,
    result: {
      layer: 'network',
      checks: ['network.tcp'],
      cause: 'e2e.cause.tcp',
    },
  },
  {
    test: /terminal prompts disabled|could not read (Username|Password)|Authentication failed|Permission denied \(publickey|Host key verification failed/,
    result: {
      layer: 'credentials',
      checks: ['credentials.git-ls-remote', 'credentials.netrc', 'credentials.ssh'],
      cause: 'e2e.cause.git-credentials',
    },
  },
  {
    test: /verifying (module|go\.mod)|checksum database|sumdb|sum\.golang\.org/,
    also: /404 Not Found|410 Gone|not found/i,
    result: {
      layer: 'go',
      checks: ['go.private-patterns', 'module.private-paths'],
      cause: 'e2e.cause.sumdb-private',
    },
  },
  {
    test: /reading https?:\/\/\S+: 40[13]\b|\b401 Unauthorized|\b403 Forbidden/,
    result: {
      layer: 'credentials',
      checks: ['credentials.netrc', 'network.http'],
      cause: 'e2e.cause.proxy-credentials',
    },
  },
  {
    test: /reading https?:\/\/\S+: (404|410)\b|404 Not Found|410 Gone/,
    result: {
      layer: 'go',
      checks: ['go.private-patterns', 'module.private-paths', 'module.proxy-bypass'],
      cause: 'e2e.cause.proxy-not-found',
    },
  },
  {
    test: /reading https?:\/\/\S+: 5\d\d\b/,
    result: {
      layer: 'network',
      checks: ['network.http'],
      cause: 'e2e.cause.proxy-5xx',
    },
  },
  {
    test: /unrecognized import path|go-get=1|no go-import meta tags?/,
    result: {
      layer: 'network',
      checks: ['network.http', 'credentials.git-ls-remote'],
      cause: 'e2e.cause.discovery',
    },
  },
  {
    test: /GOPROXY=off|module lookup disabled/,
    result: {
      layer: 'go',
      checks: ['go.goproxy'],
      cause: 'e2e.cause.goproxy-off',
    },
  },
  {
    test: /GO111MODULE=off|modules disabled/,
    result: {
      layer: 'go',
      checks: ['go.go111module'],
      cause: 'e2e.cause.go111module-off',
    },
  },
  {
    test: /-mod=vendor|inconsistent vendoring/,
    result: { layer: 'go', checks: ['go.goflags'], cause: 'e2e.cause.vendor' },
  },
  {
    test: /unknown revision|invalid version|no matching versions|not a known dependency/,
    result: {
      layer: 'module',
      checks: ['module.files'],
      cause: 'e2e.cause.unknown-version',
    },
  },
];

/** The layer a go command error text points at; undefined when no rule knows it. */
export function classifyGoError(text: string): GoFailureLayer | undefined {
  for (const rule of RULES) {
    if (rule.test.test(text) && (rule.also === undefined || rule.also.test(text)))
      return rule.result;
  }
  return undefined;
}
