/** The company modgate layer's findings (src/doctor/checks/server/). */
const server = {
  'server.fetch.not-url': '--server {url} is not a URL',
  'server.fetch.not-http': '--server {url} is not an http or https URL',
  'server.fetch.status': '{url} answered {status}',
  'server.fetch.timeout': 'no answer within {ms} ms',
  'server.fetch.unreadable': 'cannot read {url}: {error}',
  'server.fetch.invalid': '{url} is not a modgate client-config: {error}',
  'server.client-config.none': 'no company modgate named (--server URL or MODGATE_SERVER)',
  'server.client-config.offline': '--offline: {url} was not asked',
  'server.client-config.unreadable': "cannot read the company modgate's client settings: {problem}",
  'server.client-config.unreadable.why':
    'doctor cannot compare this machine with the settings the company modgate expects',
  'server.client-config.unreadable.fix':
    'curl -fsS {url}/.well-known/modgate/client-config   # is this the modgate URL? (the network layer shows where connections fail)',
  'server.client-config.no-go': 'not compared: the go command could not be run',
  'server.client-config.goproxy.ok': 'starts with the company modgate {url}',
  'server.client-config.goproxy.other':
    'GOPROXY={value} does not start with the company modgate {url}',
  'server.client-config.goproxy.why':
    'modules are fetched elsewhere: private ones fail, public ones miss the company cache and its checks',
  'server.client-config.private.none': 'the company modgate has no private patterns',
  'server.client-config.private.ok': "covers the company's private patterns {patterns}",
  'server.client-config.private.missing.one':
    "the company's private patterns {patterns} is not in GONOSUMDB",
  'server.client-config.private.missing.other':
    "the company's private patterns {patterns} are not in GONOSUMDB",
  'server.client-config.private.missing.one.goprivate':
    "the company's private patterns {patterns} is not in GONOSUMDB (nor GOPRIVATE)",
  'server.client-config.private.missing.other.goprivate':
    "the company's private patterns {patterns} are not in GONOSUMDB (nor GOPRIVATE)",
  'server.client-config.private.why':
    'those module paths are looked up in the public checksum database: their names leave the company and the lookups fail ("verifying go.mod: … 404 Not Found")',
  'server.client-config.private.detail': 'company private patterns: {patterns}',
  'server.client-config.gosumdb.none': 'the company modgate recommends no GOSUMDB',
  'server.client-config.gosumdb.ok': '{value} (as the company modgate recommends)',
  'server.client-config.gosumdb.other': 'GOSUMDB={value}, the company modgate recommends {wanted}',
  'server.client-config.gosumdb.why':
    'downloads are verified against another checksum database than the company expects (or none)',
} as const;

export default server;
