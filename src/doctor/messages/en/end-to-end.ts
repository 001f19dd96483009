/** The end-to-end layer's findings (src/doctor/checks/end-to-end/). */
const endToEnd = {
  'e2e.no-go': 'the go command could not be run (see go.version)',
  'e2e.no-module': 'not in a module or workspace: nothing to download',
  'e2e.nothing': 'go.mod requires no module to download',
  'e2e.no-temp': 'no temporary directory for a throwaway module cache: {error}',
  'e2e.no-public': 'no public module in go.mod',
  'e2e.no-private': 'no private module in go.mod (none matches GOPRIVATE/GONOPROXY)',
  'e2e.kind.public': 'public',
  'e2e.kind.private': 'private',
  'e2e.route.private': 'direct from its repository (GOPRIVATE/GONOPROXY)',
  'e2e.route.public': 'through GOPROXY={goproxy}',
  'e2e.ok': 'go mod download ({kind}, {route}) works',
  'e2e.timeout':
    'go mod download ({kind}) did not finish within {ms} ms → read the network findings (network.tcp, network.http)',
  'e2e.timeout.why':
    'the go command itself, with this machine’s settings, hangs on this module: a silent network drop or a slow host',
  'e2e.timeout.fix': '# fix the network findings first: network.tcp, network.http',
  'e2e.unexplained':
    "go mod download ({kind}) failed; no other layer explains it: read the go command's error below",
  'e2e.failed': 'go mod download ({kind}) failed: {cause} → read the {layer} findings ({checks})',
  'e2e.failed.why':
    'this is the go command itself with this machine’s settings: `go mod download` fails the same way',
  'e2e.failed.fix': '# fix the {layer} findings first: {checks}',
  'e2e.layer.go': 'go',
  'e2e.layer.module': 'module',
  'e2e.layer.network': 'network',
  'e2e.layer.credentials': 'credentials',
  'e2e.layer.end-to-end': 'end-to-end',
  'e2e.layer.server': 'server',

  'e2e.cause.checksum':
    'checksum mismatch (SECURITY ERROR): the code downloaded differs from go.sum or the checksum database',
  'e2e.cause.tls':
    'TLS: the server certificate is not trusted (unknown authority, expired or wrong name)',
  'e2e.cause.proxy': 'the outbound HTTP proxy (HTTPS_PROXY/HTTP_PROXY) failed',
  'e2e.cause.dns': 'DNS: a host name does not resolve',
  'e2e.cause.tcp': 'TCP: a connection was refused or timed out',
  'e2e.cause.git-credentials': 'git has no (accepted) credentials for the private repository',
  'e2e.cause.sumdb-private':
    'the checksum database does not know this (private) module: it belongs in GONOSUMDB (or GOPRIVATE)',
  'e2e.cause.proxy-credentials':
    'the module proxy wants credentials (401/403): a ~/.netrc entry for its host',
  'e2e.cause.proxy-not-found':
    'the proxy does not have this module (404/410): a private module sent to a public proxy needs GOPRIVATE/GONOPROXY',
  'e2e.cause.proxy-5xx': 'the module proxy answered with a server error (5xx)',
  'e2e.cause.discovery':
    'go-get discovery failed: the ?go-get=1 page of the module path did not name a repository',
  'e2e.cause.goproxy-off': 'module lookups are disabled by GOPROXY=off',
  'e2e.cause.go111module-off': 'module mode is off (GO111MODULE=off)',
  'e2e.cause.vendor': 'GOFLAGS asks for the vendor directory',
  'e2e.cause.unknown-version':
    'the version named in go.mod does not exist in the repository or proxy',
} as const;

export default endToEnd;
