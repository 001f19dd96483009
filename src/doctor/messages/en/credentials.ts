/** The credentials layer's findings (src/doctor/checks/credentials/). */
const credentials = {
  'credentials.netrc.present': 'entry present in {file} (login ***)',
  'credentials.netrc.netrc-only':
    'the entry is in NETRC ({file}), which git ignores: git (curl) reads ~/.netrc only',
  'credentials.netrc.netrc-only.why':
    "{reason}; the go command's own requests read NETRC, the git it runs does not",
  'credentials.netrc.helper':
    "no {file} entry; git's credential helper may supply one (credentials.git-ls-remote tries it)",
  'credentials.netrc.missing': 'no {file} entry',
  'credentials.netrc.missing.why':
    '{reason}; without an entry (or a credential helper) the request goes out with no credentials',
  'credentials.netrc.absent': 'not present',
  'credentials.netrc.absent.unneeded': 'not present (no host here needs one)',
  'credentials.netrc.unreadable': 'cannot be read: {error}',
  'credentials.netrc.not-readable': 'not readable',
  'credentials.netrc.mode': 'mode {mode}',
  'credentials.netrc.machines': 'machines: {machines}',
  'credentials.netrc.machines.none': 'machines: (none)',
  'credentials.netrc.default':
    'a `default` entry: git uses it for every other host, the go command ignores it',
  'credentials.netrc.readable.all': 'readable by every user (mode {mode})',
  'credentials.netrc.readable.group': 'readable by its group (mode {mode})',
  'credentials.netrc.readable.why':
    'it holds passwords and tokens in plain text; other accounts on this machine can read them',
  'credentials.netrc.ok.one': 'mode {mode}, {n} entry',
  'credentials.netrc.ok.other': 'mode {mode}, {n} entries',
  'credentials.netrc.incomplete':
    'no login or no password in {file}: the go command ignores this machine',
  'credentials.netrc.incomplete.why':
    'the go command only uses entries with machine, login and password',
  'credentials.netrc.incomplete.fix':
    '# complete the line in {file}: machine {machine} login <user> password <token>',
  'credentials.netrc.reason.git': 'git fetches private module {module} from {host}',
  'credentials.netrc.reason.server': "the company's modgate at {host} asks for credentials",
  'credentials.netrc.reason.goproxy': 'GOPROXY names {host}',

  'credentials.git.missing': 'git could not be run',
  'credentials.git.missing.needed.why':
    'the go command runs git to fetch {modules} (GOPRIVATE/GONOPROXY)',
  'credentials.git.missing.why':
    'the go command needs git for any module it fetches directly (GOPROXY=direct or GONOPROXY)',
  'credentials.git.missing.fix':
    'sudo apt-get install git   # or: brew install git, or your platform’s package',
  'credentials.git.ok': '{version} installed',
  'credentials.git.no-helper': 'none set: git finds https credentials in ~/.netrc only',
  'credentials.git.not-installed': 'git is not installed (not on PATH)',
  'credentials.git.version-timeout': 'git --version did not answer within {ms} ms',
  'credentials.git.version-failed': 'git --version failed: {error}',

  'credentials.git-rewrites.no-git': 'git is not available (see credentials.git)',
  'credentials.git-rewrites.token':
    'url.{base}.insteadOf holds a credential in plain text ({origin})',
  'credentials.git-rewrites.token.why':
    'git config files are often world-readable and copied around; a token belongs in ~/.netrc (mode 600) or a credential helper',
  'credentials.git-rewrites.token.fix':
    'git config --global --edit   # move the token out of url.{base}',
  'credentials.git-rewrites.as-is': '{url} is fetched as is (no insteadOf rule applies)',
  'credentials.git-rewrites.rewritten': '{url} → {to}',
  'credentials.git-rewrites.rewritten.ssh': '{url} → {to} (ssh: needs a key, see credentials.ssh)',
  'credentials.git-rewrites.none': 'no url.<base>.insteadOf rules',
  'credentials.git-rewrites.unrelated': '{n} insteadOf rule(s), none for a private module here',

  'credentials.ssh.none': 'no private repository is reached over ssh',
  'credentials.ssh.keys': 'SSH keys: {keys}; agent: {agent}',
  'credentials.ssh.keys.none-on-disk': 'none on disk',
  'credentials.ssh.no-key': 'no SSH key: none in ~/.ssh and {agent}',
  'credentials.ssh.no-key.why': 'git reaches {urls} over ssh, which needs a key the server knows',
  'credentials.ssh.no-key.fix':
    '# then add ~/.ssh/id_ed25519.pub to your account on the git host, or remove the insteadOf rule that sends https to ssh (credentials.git-rewrites)',
  'credentials.ssh.agent.none': 'no agent (SSH_AUTH_SOCK is not set)',
  'credentials.ssh.agent.one': '{n} key in the agent',
  'credentials.ssh.agent.other': '{n} keys in the agent',
  'credentials.ssh.agent.empty': 'the agent holds no key (ssh-add ~/.ssh/id_ed25519)',
  'credentials.ssh.agent.broken': 'the agent at SSH_AUTH_SOCK does not answer ({error})',
  'credentials.ssh.known': 'in ~/.ssh/known_hosts',
  'credentials.ssh.unknown': 'not in ~/.ssh/known_hosts',
  'credentials.ssh.unknown.why':
    'ssh in batch mode (as git runs under the go command) refuses a host key it cannot verify: "Host key verification failed"',
  'credentials.ssh.keygen-failed': 'ssh-keygen could not run: {error}',
  'credentials.ssh.no-ssh': 'ssh is not installed (not on PATH)',
  'credentials.ssh.no-ssh.why': 'git needs ssh for ssh:// repository URLs',
  'credentials.ssh.failed': 'ssh -T: {summary}',
  'credentials.ssh.ok': 'ssh -T: authenticated',

  'credentials.git-ls-remote.none':
    'no private module is fetched directly (none matches GONOPROXY/GOPRIVATE)',
  'credentials.git-ls-remote.no-url': 'no repository URL',
  'credentials.git-ls-remote.no-url.why':
    'the go command finds the repository the same way and would fail here too',
  'credentials.git-ls-remote.no-url.fix':
    "curl -sS 'https://{module}?go-get=1' | grep go-import   # see what the server answers",
  'credentials.git-ls-remote.via': ' (via {url})',
  'credentials.git-ls-remote.ok': 'git ls-remote {url}{via}: the repository answers',
  'credentials.git-ls-remote.failed': 'git ls-remote {url}{via}: {summary}',
  'credentials.repo.offline': 'its repository needs go-get discovery (skipped: --offline)',
  'credentials.repo.discovery': 'go-get discovery failed: {problem}',
  'credentials.repo.not-git': 'its repository is {vcs}, not git (not checked)',

  'git-error.timeout': 'no answer in time',
  'git-error.timeout.why':
    'the go command would hang here too; a silent drop is usually a firewall or an unreachable host',
  'git-error.timeout.fix': "see the network layer's findings for {host}",
  'git-error.host-key':
    "{host}'s SSH host key is not in ~/.ssh/known_hosts (Host key verification failed)",
  'git-error.host-key.why':
    'in batch mode (as under the go command) ssh refuses a host it cannot verify',
  'git-error.publickey': '{host} refused every SSH key offered (Permission denied (publickey))',
  'git-error.publickey.why':
    'git reaches this repository over ssh and no loaded key is accepted by the server',
  'git-error.publickey.keygen':
    'ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519   # if you have no key yet',
  'git-error.publickey.add': '# then add ~/.ssh/id_ed25519.pub to your account on {host}',
  'git-error.rejected.from': '{host} rejected the credentials git sent (from {source})',
  'git-error.rejected': '{host} rejected the credentials git sent',
  'git-error.rejected.why':
    'a token that expired, was revoked or lacks read access to this repository',
  'git-error.rejected.from.fix': '# replace the token for {host} in {source} with a valid one:',
  'git-error.rejected.fix':
    '# replace the token for {host} in ~/.netrc (or your credential helper) with a valid one:',
  'git-error.missing': 'needs credentials, and git has none for {host}',
  'git-error.missing.why':
    'the go command runs git without prompts: with no .netrc entry or credential helper answer, the download fails',
  'git-error.not-found': 'repository not found',
  'git-error.not-found.why':
    'a wrong module path or rewrite, or a private repository the credentials cannot see (many hosts answer 404, not 403)',
  'git-error.not-found.fix':
    'git ls-remote {url}   # check the URL and that your account can read it',
  'git-error.dns': '{host} does not resolve',
  'git-error.dns.why': 'git cannot reach the repository host',
  'git-error.dns.fix': "see the network layer's DNS findings for {host}",
  'git-error.tls': "{host}'s TLS certificate is not trusted by git",
  'git-error.tls.why':
    'git (curl) verifies the certificate chain; a TLS-intercepting proxy or a missing company CA breaks it',
  'git-error.tls.fix': "see the network layer's TLS findings for {host}",
  'git-error.connect': 'cannot connect to {host}',
  'git-error.connect.why': 'git cannot open a connection to the repository host',
  'git-error.connect.fix': "see the network layer's TCP findings for {host}",
  'git-error.other': 'git failed: {message}',
  'git-error.other.why': 'the go command runs the same git command and would fail the same way',
  'git-error.other.fix': 'GIT_TERMINAL_PROMPT=0 GIT_TRACE=1 git ls-remote {url}   # to see more',
  'git-error.known-hosts.check':
    "# first compare the fingerprints (ssh-keygen -lf ~/.ssh/known_hosts) with the ones {host}'s administrators publish",
} as const;

export default credentials;
