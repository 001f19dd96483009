import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../../../src/errors/index.js';
import {
  credentialConfig,
  lookupConfig,
  scrubSecrets,
} from '../../../../src/upstream/direct/git/git-credentials.js';
import { gitEnvironment } from '../../../../src/upstream/direct/git/git-environment.js';
import { GitCommandError } from '../../../../src/upstream/direct/git/git-process.js';
import { parseLsRemote, refsDigest } from '../../../../src/upstream/direct/git/git-refs.js';
import {
  DEFAULT_GIT_SCHEMES,
  gitSchemesForRewrites,
  parseGitRemote,
} from '../../../../src/upstream/direct/git/git-remote.js';
import {
  isHashLike,
  isPlainRev,
  shortenHash,
} from '../../../../src/upstream/direct/git/git-rev.js';
import { mapGitError } from '../../../../src/upstream/direct/git/map-git-error.js';
import { RwLock } from '../../../../src/upstream/direct/git/rw-lock.js';
import { Semaphore } from '../../../../src/async/index.js';
import { parseLogLine } from '../../../../src/upstream/direct/git/stat-local.js';

const where = { host: 'git.example.com', what: 'git ls-remote https://git.example.com/r' };
const exit = (stderr: string, code = 128): GitCommandError =>
  new GitCommandError('exit', ['ls-remote'], code, stderr);

test('mapGitError: stderr → kind, host named, last line quoted', () => {
  const table: Array<[string, string, RegExp]> = [
    [
      "remote: Repository not found.\nfatal: repository 'https://git.example.com/r/' not found",
      'not-found',
      /repository not found/,
    ],
    [
      'fatal: remote error: access denied or repository not exported: /r',
      'not-found',
      /not exported/,
    ],
    ["fatal: '/srv/r' does not appear to be a git repository", 'not-found', /does not appear/],
    [
      "fatal: unable to access 'https://git.example.com/r/': The requested URL returned error: 404",
      'not-found',
      /404/,
    ],
    [
      "fatal: Authentication failed for 'https://git.example.com/r/'",
      'forbidden',
      /authentication failed for git\.example\.com/,
    ],
    [
      "fatal: could not read Username for 'https://git.example.com': terminal prompts disabled",
      'forbidden',
      /authentication failed for git\.example\.com/,
    ],
    [
      "fatal: unable to access 'https://git.example.com/r/': The requested URL returned error: 403",
      'forbidden',
      /authentication failed for git\.example\.com/,
    ],
    [
      'git@git.example.com: Permission denied (publickey).\nfatal: Could not read from remote repository.',
      'forbidden',
      /authentication failed for git\.example\.com/,
    ],
    [
      "fatal: unable to access 'https://git.example.com/r/': Could not resolve host: git.example.com",
      'upstream',
      /cannot reach git\.example\.com/,
    ],
    [
      'fatal: unable to connect to git.example.com:\ngit.example.com[0: 10.0.0.1]: errno=Connection refused',
      'upstream',
      /cannot reach git\.example\.com.*Connection refused/,
    ],
    [
      "fatal: unable to access 'https://git.example.com/r/': Failed to connect to git.example.com port 443 after 130000 ms: Connection timed out",
      'timeout',
      /timed out talking to git\.example\.com/,
    ],
    [
      "fatal: unable to access 'https://git.example.com/r/': SSL certificate problem: unable to get local issuer certificate",
      'upstream',
      /cannot reach git\.example\.com.*certificate/,
    ],
    [
      'error: something odd\nfatal: the remote end hung up unexpectedly',
      'upstream',
      /exit status 128\): fatal: the remote end hung up unexpectedly$/,
    ],
  ];
  for (const [stderr, kind, message] of table) {
    const err = mapGitError(exit(stderr), where);
    assert.equal(err.kind, kind, stderr);
    assert.match(err.message, message, stderr);
  }
});

test('mapGitError: our own failures', () => {
  const mk = (f: 'timeout' | 'aborted' | 'too-large' | 'spawn'): ModgateError =>
    mapGitError(new GitCommandError(f, ['fetch'], null, ''), where);
  assert.equal(mk('timeout').kind, 'timeout');
  assert.match(mk('timeout').message, /git\.example\.com/);
  assert.equal(mk('aborted').kind, 'timeout');
  assert.equal(mk('too-large').kind, 'too-large');
  assert.equal(mk('spawn').kind, 'internal');
  const kept = new ModgateError('not-found', 'x');
  assert.equal(mapGitError(kept, where), kept);
  const aborted = mapGitError(new DOMException('gone', 'AbortError'), where);
  assert.equal(aborted.kind, 'timeout');
});

test('scrubSecrets: standalone short secrets, long secrets anywhere', () => {
  assert.equal(
    scrubSecrets("repository 'https://u:p@h/r' not found", ['p']),
    "repository 'https://u:***@h/r' not found",
  );
  assert.equal(scrubSecrets('xxghp_ABCDEFGHIJKLMNOPyy', ['ghp_ABCDEFGHIJKLMNOP']), 'xx***yy');
  assert.equal(scrubSecrets('a.b*c', ['.b*']), 'a.b*c', 'regex characters are literal');
  assert.equal(scrubSecrets('token: a.b*c', ['a.b*c']), 'token: ***');
});

test('credentialConfig: extraHeader per URL prefix, first wins, secrets listed', () => {
  const { entries, secrets } = credentialConfig([
    { host: 'github.com', token: 'tok1' },
    { host: 'github.com', token: 'ignored' },
    { host: 'http://127.0.0.1:8080', username: 'bob', token: 'tok2' },
    { host: 'https://git.corp/team/', token: 'tok3' },
    { host: 'empty.example', token: '' },
  ]);
  const basic = (s: string): string => `Authorization: Basic ${Buffer.from(s).toString('base64')}`;
  assert.deepEqual(entries, [
    { key: 'http.https://github.com/.extraHeader', value: basic('x-access-token:tok1') },
    { key: 'http.http://127.0.0.1:8080/.extraHeader', value: basic('bob:tok2') },
    { key: 'http.https://git.corp/team/.extraHeader', value: basic('x-access-token:tok3') },
  ]);
  for (const t of ['tok1', 'tok2', 'tok3']) assert.ok(secrets.includes(t));
  assert.ok(!secrets.includes('ignored'));
});

test('gitEnvironment: no prompts, user config kept, credentials appended to GIT_CONFIG_*', () => {
  const env = gitEnvironment(
    {
      HOME: '/home/u',
      GIT_ASKPASS: '/usr/bin/ksshaskpass',
      SSH_ASKPASS: '/usr/bin/x',
      GIT_DIR: '/elsewhere',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'url.ssh://git@h/.insteadOf',
      GIT_CONFIG_VALUE_0: 'https://h/',
    },
    {
      config: [{ key: 'http.https://h/.extraHeader', value: 'Authorization: Basic abc' }],
      allowedProtocols: ['https', 'ssh'],
    },
  );
  assert.equal(env.HOME, '/home/u');
  assert.equal(env.GIT_TERMINAL_PROMPT, '0');
  assert.equal(env.GCM_INTERACTIVE, 'never');
  assert.equal(env.LC_ALL, 'C');
  assert.equal(env.GIT_ASKPASS, undefined);
  assert.equal(env.SSH_ASKPASS, undefined);
  assert.equal(env.GIT_DIR, undefined);
  assert.equal(
    env.GIT_SSH_COMMAND,
    'ssh -o ControlMaster=no -o BatchMode=yes -o ConnectTimeout=15',
  );
  assert.equal(
    gitEnvironment({}, { sshConnectTimeoutSeconds: 2.5 }).GIT_SSH_COMMAND,
    'ssh -o ControlMaster=no -o BatchMode=yes -o ConnectTimeout=3',
  );
  assert.throws(() => gitEnvironment({}, { sshConnectTimeoutSeconds: 0 }));
  assert.equal(env.GIT_ALLOW_PROTOCOL, 'https:ssh');
  assert.equal(env.GIT_CONFIG_COUNT, '2');
  assert.equal(env.GIT_CONFIG_KEY_0, 'url.ssh://git@h/.insteadOf', 'the user entry stays');
  assert.equal(env.GIT_CONFIG_KEY_1, 'http.https://h/.extraHeader');
  assert.equal(
    gitEnvironment({ GIT_SSH_COMMAND: 'ssh -i key' }).GIT_SSH_COMMAND,
    'ssh -i key',
    "the user's ssh command wins",
  );
  assert.equal(gitEnvironment({}, { sshCommand: 'ssh -F cfg' }).GIT_SSH_COMMAND, 'ssh -F cfg');
});

test('parseLsRemote: HEAD, heads and tags kept, annotated tags peeled, others dropped', () => {
  const h = (c: string): string => c.repeat(40);
  const out = [
    `${h('1')}\tHEAD`,
    `${h('1')}\trefs/heads/main`,
    `${h('2')}\trefs/tags/v1.0.0`,
    `${h('3')}\trefs/tags/v1.0.0^{}`,
    `${h('4')}\trefs/pull/1/head`,
    `${h('5')}\trefs/tags/v0.1.0`,
    'garbage line',
    '',
  ].join('\n');
  const refs = parseLsRemote(out);
  assert.deepEqual([...refs].sort(), [
    ['HEAD', h('1')],
    ['refs/heads/main', h('1')],
    ['refs/tags/v0.1.0', h('5')],
    ['refs/tags/v1.0.0', h('3')],
  ]);
  assert.equal(refsDigest(refs), refsDigest(new Map([...refs].reverse())), 'order-free');
  assert.notEqual(refsDigest(refs), refsDigest(new Map()));
});

test('revision spellings', () => {
  for (const ok of ['main', 'v1.2.3', 'sub/v0.1.0', 'HEAD', 'abcdef1', 'feature/x-y_z']) {
    assert.ok(isPlainRev(ok), ok);
  }
  for (const bad of [
    '',
    '-x',
    '--upload-pack=x',
    'a..b',
    'v1^',
    'v1~1',
    'a:b',
    'a b',
    '@{-1}',
    '.hidden',
    'a/.b',
    'x.lock',
    'a//b',
    'a\\b',
    '/a',
    'a/',
  ]) {
    assert.ok(!isPlainRev(bad), bad);
  }
  assert.ok(isHashLike('abcdef0'));
  assert.ok(!isHashLike('abcdef'));
  assert.ok(!isHashLike('ABCDEF0'));
  assert.equal(shortenHash('a'.repeat(40)), 'a'.repeat(12));
  assert.equal(shortenHash('v1.0.0'), 'v1.0.0');
});

test('parseGitRemote: URL syntax with allowed schemes only', () => {
  const r = parseGitRemote('https://user:pw@git.example.com:8443/team/repo.git');
  assert.equal(r.host, 'git.example.com:8443');
  assert.ok(!r.display.includes('pw'));
  assert.equal(parseGitRemote('ssh://git@github.com/a/b').host, 'github.com');
  assert.equal(parseGitRemote('git+ssh://git@github.com/a/b').host, 'github.com');
  for (const bad of [
    'git@github.com:a/b',
    '/srv/repo',
    'ext::sh -c id',
    'file:///srv/repo',
    '-uhttps://x/y',
    'https://x/y\nz',
    'fd::17',
  ]) {
    assert.throws(() => parseGitRemote(bad), { kind: 'invalid' }, bad);
  }
  assert.equal(parseGitRemote('file:///srv/repo', ['file']).url, 'file:///srv/repo');
});

test('Semaphore: limit, FIFO hand-off, abort while waiting', async () => {
  const sem = new Semaphore(2);
  const a = await sem.acquire();
  const b = await sem.acquire();
  const order: string[] = [];
  const c = sem.acquire().then((r) => (order.push('c'), r));
  const ac = new AbortController();
  const d = sem.acquire(ac.signal);
  const e = sem.acquire().then((r) => (order.push('e'), r));
  ac.abort();
  await assert.rejects(d);
  a();
  a(); // idempotent
  b();
  (await c)();
  (await e)();
  assert.deepEqual(order, ['c', 'e']);
  assert.equal(sem.holders, 0);
});

test('RwLock: readers share, a writer is alone, a waiting writer holds back new readers', async () => {
  const lock = new RwLock();
  const log: string[] = [];
  const r1 = await lock.read();
  const r2 = await lock.read();
  const w = lock.write().then((rel) => (log.push('w'), rel));
  const r3 = lock.read().then((rel) => (log.push('r3'), rel));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, []);
  r1();
  r2();
  const wr = await w;
  assert.ok(lock.isWriteLocked);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, ['w']);
  wr();
  (await r3)();
  assert.deepEqual(log, ['w', 'r3']);
  const ac = new AbortController();
  const hold = await lock.write();
  const waiting = lock.read(ac.signal);
  ac.abort();
  await assert.rejects(waiting);
  hold();
  (await lock.read())();
});

test('RwLock: reads of objects neither wait for a writer nor hold one up, and count as use', async () => {
  const lock = new RwLock();
  const hold = await lock.write();
  let release: () => void = () => undefined;
  const reading = lock.withObjectsRead(
    () => new Promise<string>((resolve) => (release = () => resolve('read'))),
  );
  await new Promise((r) => setImmediate(r));
  assert.ok(!lock.isIdle);
  hold();
  // A writer is not held up by it either.
  const w = await lock.write();
  w();
  release();
  assert.equal(await reading, 'read');
  assert.ok(lock.isIdle);
});

test('parseLogLine: hash, committer time in UTC, sorted tags, version rules', () => {
  const h = 'ede458df7cd0fdca520df19a33158086a8a68e81';
  // cmd/go's own example of a decorated line.
  const line = `${h} 1523994202 HEAD -> master, tag: v1.2.4-annotated, tag: v1.2.3, origin/master, origin/HEAD`;
  const tagged = parseLogLine(line, 'v1.2.3');
  assert.equal(tagged.name, h);
  assert.equal(tagged.short, 'ede458df7cd0');
  assert.equal(tagged.time.toISOString(), '2018-04-17T19:43:22.000Z');
  assert.deepEqual(tagged.tags, ['v1.2.3', 'v1.2.4-annotated']);
  assert.equal(tagged.version, 'v1.2.3');
  assert.equal(parseLogLine(line, 'master').version, h, 'a branch name is not a version');
  assert.equal(parseLogLine(line, 'ede458d').version, h, 'a prefix extends to the hash');
  assert.deepEqual(parseLogLine(`${h} 0 `, h).tags, []);
  assert.throws(() => parseLogLine('fatal: bad', 'x'), { kind: 'upstream' });
});

test('lookupConfig: keyed to the remote origin, HTTP(S) only, not over configured ones', () => {
  const lookup = (h: string) =>
    h === 'git.corp' ? { username: 'u', password: 'pw-123456' } : undefined;
  const basic = `Authorization: Basic ${Buffer.from('u:pw-123456').toString('base64')}`;
  assert.deepEqual(lookupConfig('https://git.corp:8443/a/b', lookup, []).entries, [
    { key: 'http.https://git.corp:8443/.extraHeader', value: basic },
  ]);
  assert.deepEqual(lookupConfig('http://git.corp/a', lookup, []).entries, [
    { key: 'http.http://git.corp/.extraHeader', value: basic },
  ]);
  assert.deepEqual(lookupConfig('ssh://git@git.corp/a', lookup, []).entries, []);
  assert.deepEqual(lookupConfig('https://other/a', lookup, []).entries, []);
  const configured = credentialConfig([{ host: 'git.corp', token: 't' }]).entries;
  assert.deepEqual(lookupConfig('https://git.corp/a/b', lookup, configured).entries, []);
  assert.ok(lookupConfig('https://git.corp/a', lookup, []).secrets.includes('pw-123456'));
});

test('gitSchemesForRewrites: file only when a rewrite names a file:// URL', () => {
  assert.deepEqual(gitSchemesForRewrites(['git://h/*', 'ssh://git@h/*']), [...DEFAULT_GIT_SCHEMES]);
  const withFile = gitSchemesForRewrites(['https://h/*', 'file:///srv/git/*']);
  assert.ok(withFile.includes('file'));
  assert.equal(parseGitRemote('file:///srv/git/x', withFile).host, '');
  assert.throws(() => parseGitRemote('file:///srv/git/x', DEFAULT_GIT_SCHEMES), {
    kind: 'invalid',
  });
  assert.throws(() => parseGitRemote('ext::sh -c id', withFile), { kind: 'invalid' });
});
