/** The go env layer's findings (src/doctor/checks/go-env/), keyed `<check id>.<case>`. */
const goEnv = {
  'go.facts.not-found': 'go was not found on PATH',
  'go.facts.not-started': 'go could not be started: {error}',
  'go.facts.not-json': 'go env -json printed something that is not JSON',
  'go.facts.timeout': '{what} did not finish within {ms} ms',
  'go.facts.failed': '{what} failed',
  'go.facts.failed.line': '{what} failed: {line}',
  'go.version.missing': 'the go command could not be run',
  'go.version.missing.why':
    'go mod download is the go command; doctor also needs it to read go env',
  'go.version.missing.fix':
    'install Go from https://go.dev/dl/ (or your package manager) and put its bin directory on PATH',
  'go.version.ok': '{version} at {binary}',
  'go.version.old': "{version} is older than the module's go {wanted}",
  'go.version.old.unreadable.why':
    'go before 1.21 cannot parse a "go {wanted}" line: every go command in this module fails with "invalid go version"',
  'go.version.old.why':
    'the module says it needs go {wanted}: this go downloads its dependencies but may fail to build it',
  'go.version.old.fix': 'install go {wanted} or later from https://go.dev/dl/',
  'go.version.old.detail': 'go line of {files}',

  'go.go111module.off': 'GO111MODULE=off: modules are disabled',
  'go.go111module.off.why':
    'go mod download fails with "modules disabled by GO111MODULE=off"; go build ignores go.mod and looks in GOPATH',
  'go.go111module.invalid': 'GO111MODULE={value} is not on, off or auto',
  'go.go111module.invalid.why':
    'every go command fails with "unknown environment setting GO111MODULE"',
  'go.go111module.gopath':
    'GO111MODULE=auto in {dir} without a go.mod: the go command uses GOPATH mode here',
  'go.go111module.gopath.why':
    'dependencies come from GOPATH/src, not from the module proxy; go mod download refuses to run',
  'go.go111module.gopath.fix': 'go mod init <module path>   # in the project directory',
  'go.go111module.default': 'modules on (default)',

  'go.goproxy.unparsable.empty': 'empty is not a usable GOPROXY list: {error}',
  'go.goproxy.unparsable': '"{value}" is not a usable GOPROXY list: {error}',
  'go.goproxy.unparsable.why': 'the go command refuses every module download with this GOPROXY',
  'go.goproxy.after-stop': 'entries after "{stop}" are never used: {entries}',
  'go.goproxy.after-stop.why': 'the go command stops reading GOPROXY at "{stop}"',
  'go.goproxy.off': 'GOPROXY=off: every module not already in the module cache fails to download',
  'go.goproxy.off.why':
    'off disables all module downloads ("module lookup disabled by GOPROXY=off")',
  'go.goproxy.empty-entries': 'the list has empty entries (",," or a separator at an end)',
  'go.goproxy.empty-entries.why':
    'the go command skips them silently: a proxy meant to be there may be missing',
  'go.goproxy.http': '{url} is plain http',
  'go.goproxy.http.why':
    'modules (and any credentials in the URL) cross the network unencrypted; private modules are not protected by the checksum database',
  'go.goproxy.next.any': ' (| next on any error)',
  'go.goproxy.next.not-found': ' (, next on 404/410 only)',

  'go.gosumdb.off': 'GOSUMDB=off: downloaded modules are not checked against a checksum database',
  'go.gosumdb.off.why':
    'a tampered or substituted module version would go unnoticed; to skip the check for private modules only, list them in GONOSUMDB (or GOPRIVATE)',
  'go.gosumdb.unparsable': '"{value}" is not a usable GOSUMDB: {error}',
  'go.gosumdb.unparsable.why':
    'the go command fails every download that needs a go.sum line it does not have yet ("verifying module: invalid GOSUMDB")',
  'go.gosumdb.unparsable.fix':
    'a database other than sum.golang.org needs its full key: GOSUMDB="<name>+<hash>+<key> [<url>]"',
  'go.gosumdb.no-url': 'the key of {name} is given without a URL',
  'go.gosumdb.no-url.why':
    'the go command then asks each GOPROXY for /sumdb/{name}/supported and otherwise connects to https://{name} itself; if neither serves this database, every new module fails verification',
  'go.gosumdb.no-url.fix': "go env -w GOSUMDB='{value} https://<the URL that serves {name}>'",
  'go.gosumdb.ok.server':
    "{name} through the company modgate's /sumdb/{name}/ (its client-config's GOSUMDB)",
  'go.gosumdb.ok.url': '{name} at {url}',

  'go.private-patterns.none':
    'no private module patterns set (every module goes through GOPROXY and the checksum database)',
  'go.private-patterns.space':
    'it contains white space (patterns are separated by commas only, nothing is trimmed)',
  'go.private-patterns.scheme': '"{pattern}" has a scheme (patterns are module paths, not URLs)',
  'go.private-patterns.bad-glob': '"{pattern}" is not a valid glob',
  'go.private-patterns.slash': '"{pattern}" ends in "/" (ignored by the go command)',
  'go.private-patterns.empty': 'it has empty elements',
  'go.private-patterns.problems': '"{value}": {problems}',
  'go.private-patterns.never.GOINSECURE':
    'a pattern that never matches leaves those private modules to https only',
  'go.private-patterns.never.GONOPROXY':
    'a pattern that never matches leaves those private modules to the public proxy',
  'go.private-patterns.never.GONOSUMDB':
    'a pattern that never matches leaves those private modules to the public checksum database (their names leak; downloads fail verification)',
  'go.private-patterns.never.GOPRIVATE':
    'a pattern that never matches leaves those private modules to the public proxy and checksum database (their names leak; downloads fail)',
  'go.private-patterns.ignored':
    'the go command ignores it, so the value may not mean what was intended',
  'go.private-patterns.over.GONOSUMDB.one':
    'GONOSUMDB is set, so it replaces GOPRIVATE for the checksum database: {paths} is not in it',
  'go.private-patterns.over.GONOSUMDB.other':
    'GONOSUMDB is set, so it replaces GOPRIVATE for the checksum database: {paths} are not in it',
  'go.private-patterns.over.GONOPROXY.one':
    'GONOPROXY is set, so it replaces GOPRIVATE for the proxy: {paths} is not in it',
  'go.private-patterns.over.GONOPROXY.other':
    'GONOPROXY is set, so it replaces GOPRIVATE for the proxy: {paths} are not in it',
  'go.private-patterns.over.GONOSUMDB.why':
    'those private paths are looked up in the public checksum database: their names leave the company and the lookup fails',
  'go.private-patterns.over.GONOPROXY.why':
    'those private paths are fetched through GOPROXY (fine for a company proxy that serves them, a leak for a public one)',

  'go.goflags.empty': '(empty)',
  'go.goflags.non-flag': '"{word}" is not a flag',
  'go.goflags.non-flag.why': 'every go command fails with "parsing $GOFLAGS: non-flag"',
  'go.goflags.vendor': '{flag} but {dir} has no modules.txt',
  'go.goflags.vendor.why':
    'builds read dependencies from vendor/ only, so they fail ("inconsistent vendoring", "can\'t compute \'all\' using the vendor directory")',
  'go.goflags.vendor.fix': 'or keep -mod=vendor and run: go mod vendor',
  'go.goflags.insecure': '{flag} is ignored since Go 1.17',
  'go.goflags.insecure.why':
    'it turned off TLS checks for every download in older go commands; use GOINSECURE=<patterns> for the hosts that need it',

  'go.cache-dirs.what.GOMODCACHE': 'module cache',
  'go.cache-dirs.what.GOCACHE': 'build cache',
  'go.cache-dirs.none': 'no {what} directory',
  'go.cache-dirs.relative': '{name}={dir} is not an absolute path',
  'go.cache-dirs.none.why': 'the go command needs a {what} for every download and build',
  'go.cache-dirs.unwritable': '{dir} is not writable ({code})',
  'go.cache-dirs.unwritable.parent':
    '{dir} is not writable ({code}) — nor is {existing}, where it would be created',
  'go.cache-dirs.unwritable.GOMODCACHE.why':
    'go mod download stores every module here, so every download fails ("mkdir … permission denied" / "read-only file system")',
  'go.cache-dirs.unwritable.GOCACHE.why': 'every build fails to write its results',
  'go.cache-dirs.unwritable.fix':
    'chmod -R u+w {dir}   # or: sudo chown -R "$(id -u):$(id -g)" {dir}',
  'go.cache-dirs.unwritable.fix.other':
    'or use another directory: go env -w {name}=<a directory you own>',
  'go.cache-dirs.low-space': 'only {mib} MiB free on its disk',
  'go.cache-dirs.low-space.why':
    'module zips are unpacked here; a full disk fails downloads half-way',
  'go.cache-dirs.temporary': 'it is under the temporary directory {tmp}',
  'go.cache-dirs.temporary.why':
    'temporary directories are cleaned on reboot or by tmp cleaners: every module is downloaded again, and a half-cleaned cache breaks builds',
  'go.cache-dirs.free': '{mib} MiB free',
  'go.cache-dirs.ok': '{dir} (writable)',
  'go.cache-dirs.problems': '{dir}: {problems}',
  'go.cache-dirs.move.fix':
    'go env -w {name}=<a directory on a disk with room, outside the temporary directory>',
  'go.cache-dirs.move.tmp.fix': 'go env -w {name}=<a directory on a disk with room, outside {tmp}>',

  'go.gowork.missing': 'GOWORK names {file}, which does not exist',
  'go.gowork.missing.why': 'every go command fails with "GOWORK file does not exist"',
  'go.gowork.missing.fix':
    'unset GOWORK   # and remove it from your shell profile / CI settings (go env -w cannot set GOWORK)',
  'go.gowork.missing.detail': 'GOWORK={file} in the environment',
  'go.gowork.off': 'off: go.work files are ignored',
  'go.gowork.none': 'not in a workspace',
  'go.gowork.workspace': 'workspace {file} ({n} modules)',
} as const;

export default goEnv;
