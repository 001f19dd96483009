/** The module layer's findings (src/doctor/checks/module/), keyed `<check id>.<case>`. */
const moduleMessages = {
  'module.none': 'no go.mod or go.work at or above {dir}',
  'module.no-go': 'not checked: the go command could not be run',

  'module.files.unreadable': "cannot read the module's files: {problem}",
  'module.files.unreadable.why': 'every go command in this module stops on the same error',
  'module.files.unreadable.fix':
    'correct the line named above (go mod edit -fmt shows the syntax the go command accepts)',
  'module.files.ok':
    "{modules}: {requirements} requirements, {fetched} to fetch, {private} private by this machine's patterns",
  'module.files.no-module-line': '(no module line)',
  'module.files.direct': ' (GONOPROXY: direct)',
  'module.files.not-checked': ' (GONOSUMDB: not checked)',

  'module.go-sum.ok': 'go.sum has lines for all {n} modules to fetch',
  'module.go-sum.missing.one': 'go.sum has no line for {n} requirement: {modules}',
  'module.go-sum.missing.other': 'go.sum has no line for {n} requirements: {modules}',
  'module.go-sum.missing.why':
    'builds fail with "missing go.sum entry" until the lines are added (the checksum database is consulted for them on the next download)',

  'module.path-case.why': 'the go command refuses the whole go.mod',
  'module.path-case.fix':
    'correct the path in {file} (module paths start with a lower-case host name), then: go mod tidy',
  'module.path-case.collision': 'requirements differ only in case: {paths}',
  'module.path-case.collision.why':
    'only one spelling is the module\'s real path (the other fails with "module declares its path as"), and both together give "case-insensitive import collision"',
  'module.path-case.collision.fix':
    "use the spelling the module's own go.mod declares in every import and in {file}, then: go mod tidy",
  'module.path-case.ok': '{n} requirement paths are well formed',

  'module.private-paths.public-proxy': 'the public proxy {proxies}',
  'module.private-paths.public-sumdb': 'the public checksum database {name}',
  'module.private-paths.and': ' and ',
  'module.private-paths.none': 'no required module looks private',
  'module.private-paths.ok.one': '{n} private module stays off public services',
  'module.private-paths.ok.other': '{n} private modules stay off public services',
  'module.private-paths.known': '{path} is private but would be sent to {services}',
  'module.private-paths.looks':
    '{path} looks private (same organisation as the main module, {pattern}) but would be sent to {services}',
  'module.private-paths.known.why':
    'its name leaves the company, and the public service does not have it: go mod download fails (404/410 from the proxy, "verifying go.mod: … 404 Not Found" from the checksum database)',
  'module.private-paths.looks.why':
    'its name leaves the company, and the public service does not have it: go mod download fails (404/410 from the proxy, "verifying go.mod: … 404 Not Found" from the checksum database); if it is in fact public, ignore this',
  'module.private-paths.server': 'the company modgate serves private modules: {patterns}',

  'module.proxy-bypass.no-server':
    'not checked: which paths the company proxy serves is unknown without --server (or MODGATE_SERVER)',
  'module.proxy-bypass.no-go': 'not checked: the go command could not be run',
  'module.proxy-bypass.unread':
    "not checked: the company modgate's settings were not read (see server.client-config)",
  'module.proxy-bypass.ok': 'every private module goes through {url}',
  'module.proxy-bypass.gonoproxy':
    'GONOPROXY sends {path} around the company proxy {url}, which serves it',
  'module.proxy-bypass.goprivate':
    'GOPRIVATE (GONOPROXY is unset) sends {path} around the company proxy {url}, which serves it',
  'module.proxy-bypass.why':
    'the go command fetches it straight from its code host instead: that needs a route to the host and git credentials on this machine, and fails where only the proxy has them',
  'module.proxy-bypass.served': 'the company modgate serves: {patterns}',

  'module.replace-dirs.none': 'no replace to a directory',
  'module.replace-dirs.drop':
    '(cd {dir} && go mod edit -dropreplace={drop})   # to use the published module instead',
  'module.replace-dirs.missing': 'the replacement directory {dir} does not exist',
  'module.replace-dirs.missing.why':
    'every go command that loads the module graph fails ("reading …/go.mod: no such file or directory")',
  'module.replace-dirs.missing.fix': "put the module's source at {dir} (e.g. git clone it there)",
  'module.replace-dirs.in': 'replace in {file}',
  'module.replace-dirs.no-go-mod': '{dir} has no go.mod',
  'module.replace-dirs.no-go-mod.why':
    "the go command reads the replacement's go.mod and fails without it",
} as const;

export default moduleMessages;
