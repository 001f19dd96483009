import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModgateError } from '../../../../src/errors/index.js';
import {
  GitRepoCache,
  SshIdentities,
  checkSshFiles,
  gitSchemesForRewrites,
  mapGitError,
} from '../../../../src/upstream/direct/git/index.js';
import { parseSshHostPattern, sshPathProblem } from '../../../../src/policy/index.js';
import { keyTextProblem } from '../../../../src/upstream/direct/git/check-ssh-files.js';
import { GitCommandError } from '../../../../src/upstream/direct/git/git-process.js';
import { shellQuote, sshHostOf } from '../../../../src/upstream/direct/git/ssh-identities.js';
import { GitFixture } from './git-fixture.js';
import { SshdFixture } from './sshd-fixture.js';

describe('SshIdentities: which key for which ssh remote', () => {
  const ids = new SshIdentities({
    keys: [
      { host: 'git.corp.example', path: '/keys/corp' },
      { host: 'git.corp.example:2222', path: '/keys/corp-2222' },
      { host: '*.corp.example', path: '/keys/any-corp' },
      { host: '*.eu.corp.example', path: '/keys/eu' },
      { host: '[::1]:2200', path: '/keys/v6' },
      { host: 'GIT.CORP.EXAMPLE', path: '/keys/second-entry-loses' },
    ],
    knownHosts: '/etc/modgate/known hosts',
  });

  test('the most specific entry wins; ports; case; only ssh remotes', () => {
    const cases: Array<[string, string | undefined]> = [
      ['ssh://git@git.corp.example/team/repo.git', '/keys/corp'],
      ['ssh://git@GIT.corp.example:22/team/repo.git', '/keys/corp'],
      ['ssh://git@git.corp.example:2222/team/repo.git', '/keys/corp-2222'],
      ['ssh://git@git.corp.example:2200/team/repo.git', '/keys/corp'],
      ['git+ssh://git.corp.example/r', '/keys/corp'],
      ['git@git.corp.example:team/repo.git', '/keys/corp'],
      ['ssh://other.corp.example/r', '/keys/any-corp'],
      ['ssh://a.eu.corp.example/r', '/keys/eu'],
      ['ssh://corp.example/r', undefined],
      ['ssh://[::1]:2200/r', '/keys/v6'],
      ['ssh://[::1]/r', undefined],
      ['https://git.corp.example/team/repo.git', undefined],
      ['git://git.corp.example/team/repo.git', undefined],
      ['file:///srv/git.corp.example/repo', undefined],
      ['ssh://elsewhere.example/r', undefined],
    ];
    for (const [url, key] of cases) assert.equal(ids.keyFor(url), key, url);
    const star = new SshIdentities({ keys: [{ host: '*', path: '/k' }] });
    assert.equal(star.keyFor('ssh://anything.example/r'), '/k');
    assert.equal(star.keyFor('https://anything.example/r'), undefined);
  });

  test('the ssh command: only that key, batch mode, strict host keys, paths quoted', () => {
    const setup = ids.forUrl('ssh://git@git.corp.example/r');
    assert.ok(setup !== undefined);
    assert.equal(
      setup.command,
      `ssh -i /keys/corp -o IdentitiesOnly=yes -o BatchMode=yes -o ControlMaster=no -o ControlPath=none -o StrictHostKeyChecking=yes -o ConnectTimeout=15 -o 'UserKnownHostsFile="/etc/modgate/known hosts"'`,
    );
    assert.equal(setup.knownHosts, '/etc/modgate/known hosts');
    const accept = new SshIdentities({
      keys: [{ host: 'h', path: "/it's here/k" }],
      hostKeyChecking: 'accept-new',
    }).forUrl('ssh://h/r');
    assert.ok(accept !== undefined);
    assert.match(accept.command, /-o StrictHostKeyChecking=accept-new -o ConnectTimeout=15$/);
    const quick = new SshIdentities({
      keys: [{ host: 'h', path: '/k' }],
      connectTimeoutSeconds: 2,
    });
    assert.match(quick.forUrl('h:r')?.command ?? '', / -o ConnectTimeout=2( |$)/);
    assert.ok(accept.command.includes(`-i '/it'\\''s here/k'`), accept.command);
    assert.match(accept.knownHosts, /\.ssh\/known_hosts$/);
    assert.equal(shellQuote('$(reboot)'), `'$(reboot)'`);
  });

  test('host patterns and paths that are refused', () => {
    for (const bad of ['', 'ssh://h', 'h/path', 'user@h', 'h:0', 'h:70000', '*.', '*h', 'a b']) {
      assert.equal(parseSshHostPattern(bad), undefined, bad);
    }
    assert.deepEqual(parseSshHostPattern('H.example:22'), {
      name: 'h.example',
      port: '',
      suffix: false,
    });
    for (const bad of ['', '/k%h', '/k${HOME}', '/k"', '/k\\x', '/k\nx']) {
      assert.notEqual(sshPathProblem(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(sshPathProblem("/keys/it's a key$1"), undefined);
    assert.deepEqual(sshHostOf('ssh://u@H:2222/x'), { name: 'h', port: '2222' });
    assert.equal(sshHostOf('/local/path'), undefined);
  });
});

describe('ssh key files are checked at start-up', () => {
  let git: GitFixture;
  before(async () => {
    git = await GitFixture.create();
  });
  after(async () => {
    await git.close();
  });

  const OPENSSH = (cipher: string): string => {
    const magic = Buffer.from('openssh-key-v1\0', 'latin1');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(cipher.length);
    const body = Buffer.concat([magic, len, Buffer.from(cipher), Buffer.alloc(40)]);
    return `-----BEGIN OPENSSH PRIVATE KEY-----\n${body.toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`;
  };

  test('formats: OpenSSH and PEM, passphrase-protected ones refused', () => {
    assert.equal(keyTextProblem(OPENSSH('none')), undefined);
    assert.match(keyTextProblem(OPENSSH('aes256-ctr')) ?? '', /passphrase/);
    assert.equal(
      keyTextProblem('-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n'),
      undefined,
    );
    assert.match(
      keyTextProblem(
        '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMIIB\n-----END RSA PRIVATE KEY-----\n',
      ) ?? '',
      /passphrase/,
    );
    assert.match(
      keyTextProblem(
        '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMII\n-----END ENCRYPTED PRIVATE KEY-----\n',
      ) ?? '',
      /passphrase/,
    );
    assert.match(
      keyTextProblem('ssh-ed25519 AAAA... a public key') ?? '',
      /does not hold a private key/,
    );
  });

  test('missing, loose permissions, not a key, known_hosts: one clear error each, never the content', async () => {
    const secret = OPENSSH('none');
    const good = join(git.root, 'good_key');
    await writeFile(good, secret, { mode: 0o600 });
    await chmod(good, 0o600);
    const loose = join(git.root, 'loose_key');
    await writeFile(loose, secret);
    await chmod(loose, 0o644);
    const pub = join(git.root, 'key.pub');
    await writeFile(pub, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB8 someone\n', { mode: 0o600 });
    await chmod(pub, 0o600);
    const known = join(git.root, 'known_hosts');
    await writeFile(known, '');

    await checkSshFiles({
      keys: [{ host: 'h', path: good }],
      knownHosts: known,
      hostKeyChecking: 'strict',
    });
    const cases: Array<[Parameters<typeof checkSshFiles>[0], RegExp]> = [
      [
        {
          keys: [{ host: 'h', path: join(git.root, 'nope') }],
          knownHosts: '',
          hostKeyChecking: 'strict',
        },
        /direct\.ssh_keys: the key for h \(.*nope\) does not exist/,
      ],
      [
        { keys: [{ host: 'h', path: loose }], knownHosts: '', hostKeyChecking: 'strict' },
        /the key for h \(.*loose_key\) is readable by group or others \(mode 0644\).*chmod 600/,
      ],
      [
        { keys: [{ host: 'h', path: pub }], knownHosts: '', hostKeyChecking: 'strict' },
        /key\.pub\) does not hold a private key/,
      ],
      [
        { keys: [{ host: 'h', path: git.root }], knownHosts: '', hostKeyChecking: 'strict' },
        /is not a regular file/,
      ],
      [
        { keys: [], knownHosts: join(git.root, 'missing_known'), hostKeyChecking: 'strict' },
        /direct\.ssh_known_hosts: .*missing_known does not exist.*accept-new/,
      ],
      [
        { keys: [], knownHosts: join(git.root, 'no-dir', 'known'), hostKeyChecking: 'accept-new' },
        /direct\.ssh_known_hosts: .*cannot be created/,
      ],
    ];
    for (const [options, re] of cases) {
      await assert.rejects(checkSshFiles(options), (err: unknown) => {
        assert.ok(err instanceof ModgateError);
        assert.equal(err.kind, 'invalid');
        assert.match(err.message, re);
        assert.ok(!err.message.includes('AAAA'), err.message);
        return true;
      });
    }
    await checkSshFiles({
      keys: [],
      knownHosts: join(git.root, 'new_known'),
      hostKeyChecking: 'accept-new',
    });
  });
});

describe('mapGitError: ssh host key failures name the host and the known_hosts file', () => {
  const ctx = {
    host: 'git.corp.example:2222',
    what: 'git ls-remote ssh://git@git.corp.example:2222/r',
  };
  test('unknown key under strict checking, changed key, user ssh set-up', () => {
    const unknown = new GitCommandError(
      'exit',
      ['ls-remote'],
      128,
      'No ED25519 host key is known for [git.corp.example]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\nfatal: Could not read from remote repository.\n',
    );
    unknown.knownHosts = '/etc/modgate/known_hosts';
    const a = mapGitError(unknown, ctx);
    assert.equal(a.kind, 'upstream');
    assert.match(
      a.message,
      /^host key verification failed for git\.corp\.example:2222 .*not in \/etc\/modgate\/known_hosts and host key checking is strict/,
    );
    const changed = new GitCommandError(
      'exit',
      ['ls-remote'],
      128,
      '@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\nOffending ED25519 key in /etc/modgate/known_hosts:1\r\nHost key verification failed.\r\n',
    );
    const b = mapGitError(changed, ctx);
    assert.match(b.message, /does not match the one recorded in the known_hosts files of the user/);
    const denied = new GitCommandError(
      'exit',
      ['ls-remote'],
      128,
      'git@git.corp.example: Permission denied (publickey).\r\nfatal: Could not read from remote repository.\n',
    );
    const c = mapGitError(denied, ctx);
    assert.equal(c.kind, 'forbidden');
    assert.match(
      c.message,
      /^authentication failed for git\.corp\.example:2222 \(.*\): Permission denied \(publickey\)\.$/,
    );
  });
});

describe('ssh ConnectTimeout: a host that accepts and never answers fails in seconds', () => {
  // A TCP listener that accepts connections and stays silent: ssh waits for the server's
  // banner, which OpenSSH's ConnectTimeout also bounds ("Connection timed out during banner
  // exchange"). Without it ssh would wait until git's own 60 s ls-remote deadline (here 30 s,
  // so a regression fails the time bound rather than hanging the suite).
  let fx: GitFixture;
  let silent: Server;
  let port = 0;
  const sockets = new Set<Socket>();
  before(async () => {
    fx = await GitFixture.create();
    silent = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as AddressInfo).port;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await fx.close();
  });

  async function timesOut(cache: GitRepoCache, url: string): Promise<void> {
    const started = Date.now();
    await assert.rejects(cache.probe(url), (err: unknown) => {
      assert.ok(err instanceof ModgateError, String(err));
      assert.equal(err.kind, 'timeout', err.message);
      assert.ok(err.message.includes(`127.0.0.1:${port}`), err.message);
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 1500 && took < 10_000, `took ${took} ms`);
  }

  test('with a configured key (modgate builds the whole ssh command)', async () => {
    const known = join(fx.root, 'known_hosts');
    await writeFile(known, '');
    const cache = fx.cache({
      timeouts: { 'ls-remote': 30_000 },
      ssh: new SshIdentities({
        keys: [{ host: '127.0.0.1', path: join(fx.root, 'no-such-key') }],
        knownHosts: known,
        connectTimeoutSeconds: 2,
      }),
    });
    await timesOut(cache, `ssh://git@127.0.0.1:${port}/srv/r.git`);
  });

  test('without a key (the default batch-mode ssh), scp-like remote', async () => {
    const cache = fx.cache({
      timeouts: { 'ls-remote': 30_000 },
      sshConnectTimeoutSeconds: 2,
      allowedSchemes: gitSchemesForRewrites(['git@h.example:*']),
    });
    await timesOut(cache, `[git@127.0.0.1:${port}]:srv/r.git`);
  });
});

const why = SshdFixture.unavailable();
describe('git over ssh against a real sshd on 127.0.0.1', { skip: why }, () => {
  let git: GitFixture;
  let sshd: SshdFixture;
  let url: string;
  let good: string;
  let wrong: string;
  let known: string;
  const KEY_MARK = 'OPENSSH PRIVATE KEY';

  before(async () => {
    git = await GitFixture.create();
    sshd = await SshdFixture.start();
    const repo = await git.newRepo('mod');
    await git.commit(
      repo,
      { 'go.mod': 'module git.corp.example/mod\n', 'a.go': 'package mod\n' },
      'one',
      '2024-01-02T03:04:05Z',
    );
    await git.git(repo, ['tag', 'v1.0.0']);
    url = `ssh://${sshd.user}@127.0.0.1:${sshd.port}${repo}`;
    good = await sshd.clientKey('good', true);
    wrong = await sshd.clientKey('wrong', false);
    known = join(sshd.dir, 'known_hosts');
    await writeFile(known, await sshd.knownHostsLine());
  });
  after(async () => {
    await git.close();
    await sshd?.close();
  });

  const host = (): string => `127.0.0.1:${sshd.port}`;

  async function failure(p: Promise<unknown>): Promise<ModgateError> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof ModgateError, String(err));
      return err;
    }
    assert.fail('expected a failure');
  }

  test('the configured key: refs and a fetch over ssh', async () => {
    const cache = git.cache({
      ssh: new SshIdentities({ keys: [{ host: '127.0.0.1', path: good }], knownHosts: known }),
    });
    assert.equal(await cache.probe(url), true, sshd.log);
    const refs = await cache.codeHost(url).refs();
    assert.ok(refs.has('refs/tags/v1.0.0'), [...refs.keys()].join(' '));
    // stat fetches the commit into the bare repository (git fetch over ssh).
    const info = await cache.codeHost(url).stat('v1.0.0', {});
    assert.equal(info.name, refs.get('refs/tags/v1.0.0'));
    assert.equal(info.time.toISOString(), '2024-01-02T03:04:05.000Z');
  });

  test('a key the server does not accept: authentication failed for the host', async () => {
    const cache = git.cache({
      ssh: new SshIdentities({
        keys: [{ host: `127.0.0.1:${sshd.port}`, path: wrong }],
        knownHosts: known,
      }),
    });
    const started = Date.now();
    const err = await failure(cache.probe(url));
    assert.equal(err.kind, 'forbidden', err.message);
    assert.match(
      err.message,
      new RegExp(`^authentication failed for ${host().replace(/\./g, '\\.')}`),
    );
    assert.ok(!err.message.includes(KEY_MARK));
    assert.ok(Date.now() - started < 10_000);
  });

  test('strict host key checking: an unknown host and a changed key are refused, naming the file', async () => {
    const empty = join(sshd.dir, 'empty_known_hosts');
    await writeFile(empty, '');
    const cache = git.cache({
      ssh: new SshIdentities({ keys: [{ host: '127.0.0.1', path: good }], knownHosts: empty }),
    });
    const err = await failure(cache.probe(url));
    assert.equal(err.kind, 'upstream', err.message);
    assert.match(
      err.message,
      new RegExp(`^host key verification failed for ${host().replace(/\./g, '\\.')}`),
    );
    assert.ok(err.message.includes(`not in ${empty}`), err.message);
    assert.equal(await readFile(empty, 'utf8'), '', 'nothing was added');

    const other = join(sshd.dir, 'other_known_hosts');
    const line = await sshd.knownHostsLine();
    // The right host, someone else's key.
    const foreign = (await readFile(`${good}.pub`, 'utf8')).split(/\s+/).slice(0, 2).join(' ');
    await writeFile(other, `${line.split(' ')[0]} ${foreign}\n`);
    const cache2 = git.cache({
      ssh: new SshIdentities({ keys: [{ host: '127.0.0.1', path: good }], knownHosts: other }),
    });
    const err2 = await failure(cache2.probe(url));
    assert.match(err2.message, /its key does not match the one recorded in .*other_known_hosts/);
  });

  test('accept-new: a host seen for the first time is recorded, then trusted', async () => {
    const fresh = join(sshd.dir, 'fresh_known_hosts');
    const ids = new SshIdentities({
      keys: [{ host: '127.0.0.1', path: good }],
      knownHosts: fresh,
      hostKeyChecking: 'accept-new',
    });
    assert.equal(await git.cache({ ssh: ids }).probe(url), true);
    // (Hashed or not, per the system's HashKnownHosts: the line ends with the server's key.)
    const hostKey = (await sshd.knownHostsLine()).split(' ').slice(1).join(' ').trim();
    const recorded = (await readFile(fresh, 'utf8')).trim().split('\n');
    assert.equal(recorded.length, 1, recorded.join('\n'));
    assert.ok(recorded[0]?.endsWith(hostKey), recorded.join('\n'));
    assert.equal(await git.cache({ ssh: ids }).probe(url), true);
  });

  test('core.sshCommand: kept for hosts without a key, overridden for a host with one', async () => {
    const gitconfig = join(sshd.dir, 'user.gitconfig');
    await writeFile(
      gitconfig,
      `[core]\n\tsshCommand = ssh -i ${good} -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=${known}\n`,
    );
    const env = { ...git.env, GIT_CONFIG_GLOBAL: gitconfig };
    const elsewhere = git.cache({
      env,
      ssh: new SshIdentities({ keys: [{ host: 'elsewhere.example', path: wrong }] }),
    });
    assert.equal(await elsewhere.probe(url), true);
    const here = git.cache({
      env,
      ssh: new SshIdentities({ keys: [{ host: '127.0.0.1', path: wrong }], knownHosts: known }),
    });
    const err = await failure(here.probe(url));
    assert.equal(err.kind, 'forbidden', err.message);
  });

  test("no key for the host: the user's GIT_SSH_COMMAND is used as before", async () => {
    const cache = git.cache({
      env: {
        ...git.env,
        GIT_SSH_COMMAND: `ssh -i ${good} -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=${known}`,
      },
      ssh: new SshIdentities({
        keys: [{ host: 'elsewhere.example', path: wrong }],
        knownHosts: known,
      }),
    });
    assert.equal(await cache.probe(url), true);
  });
});
