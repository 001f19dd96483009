// git's scp-like remote syntax in rewrites: what is read as scp-like (git's rule, checked
// against git itself), the host modgate reads from it (ssh keys, limits, messages), and that
// git receives the URL unchanged — `host:org/repo` runs `git-upload-pack 'org/repo'` relative
// to the login directory, which `ssh://host/org/repo` would not.
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import { compileRewrites, matchRewrite, parseScpLike } from '../../../src/policy/index.js';
import {
  DEFAULT_GIT_SCHEMES,
  SshIdentities,
  gitSchemesForRewrites,
} from '../../../src/upstream/direct/git/index.js';
import { SCP_LIKE, parseGitRemote } from '../../../src/upstream/direct/git/git-remote.js';
import { sshHostOf } from '../../../src/upstream/direct/git/ssh-identities.js';
import { GitFixture } from './git/git-fixture.js';

test('parseScpLike: git reads [user@]host:path as ssh when no slash comes before the colon', () => {
  const ok: Array<[string, { user: string; host: string; port: string; path: string }]> = [
    [
      'git@git.corp.example:team/repo.git',
      { user: 'git', host: 'git.corp.example', port: '', path: 'team/repo.git' },
    ],
    [
      'Git.Corp.Example:/srv/repo',
      { user: '', host: 'git.corp.example', port: '', path: '/srv/repo' },
    ],
    ['h.example:~/r', { user: '', host: 'h.example', port: '', path: '~/r' }],
    ['[h.example:2222]:/srv/r', { user: '', host: 'h.example', port: '2222', path: '/srv/r' }],
    [
      'git@[h.example:2222]:/srv/r',
      { user: 'git', host: 'h.example', port: '2222', path: '/srv/r' },
    ],
    ['[git@h.example:2222]:org/r', { user: 'git', host: 'h.example', port: '2222', path: 'org/r' }],
    ['[h.example:22]:r', { user: '', host: 'h.example', port: '', path: 'r' }],
    ['[::1]:r', { user: '', host: '::1', port: '', path: 'r' }],
  ];
  for (const [url, want] of ok) assert.deepEqual(parseScpLike(url), want, url);
  for (const bad of [
    'ssh://git@h.example/r', // a URL
    'https://h.example/r',
    '/srv/repo', // local paths
    './a:b',
    'dir/h.example:r', // slash before the colon: a local path for git
    'h.example', // no colon
    ':r', // no host
    'h.example:', // no path
    'ext::sh -c id', // remote helper (and white space)
    'fd::17',
    'h.example:-oProxyCommand=x', // would reach git-upload-pack as an option
    '-oProxyCommand=x:r',
    'git@-h:r',
    '[h.example:2222]r', // bracket not followed by a colon
    '[h.example:99999]:r',
    'h.ex ample:r',
  ]) {
    assert.equal(parseScpLike(bad), undefined, bad);
  }
});

test('parseGitRemote: scp-like only when a rewrite asked for it; host with port', () => {
  assert.throws(() => parseGitRemote('git@github.com:a/b'), { kind: 'invalid' });
  const schemes = [...DEFAULT_GIT_SCHEMES, SCP_LIKE];
  const r = parseGitRemote('git@git.corp.example:team/repo.git', schemes);
  assert.deepEqual(r, {
    url: 'git@git.corp.example:team/repo.git',
    host: 'git.corp.example',
    display: 'git@git.corp.example:team/repo.git',
  });
  assert.equal(parseGitRemote('u@[127.0.0.1:2222]:/srv/x', schemes).host, '127.0.0.1:2222');
  assert.equal(parseGitRemote('[::1]:x', schemes).host, '[::1]');
  // Same host string as the ssh:// form, so limits and messages agree.
  assert.equal(parseGitRemote('ssh://u@127.0.0.1:2222/srv/x').host, '127.0.0.1:2222');
  for (const bad of ['ext::sh -c id', 'fd::17', 'h:-u', '/srv/repo', 'x/y:z']) {
    assert.throws(() => parseGitRemote(bad, schemes), { kind: 'invalid' }, bad);
  }
  assert.deepEqual(gitSchemesForRewrites(['ssh://h/x']), [...DEFAULT_GIT_SCHEMES]);
  assert.deepEqual(gitSchemesForRewrites(['git@h.example:*.git']), schemes);
});

test('rewrites: an scp-like url template is accepted for git, refused for mod', () => {
  const compiled = compileRewrites([
    { pattern: 'git.corp.example/*', url: 'git@git.corp.example:*.git' },
    { pattern: 'ports.example/*', url: 'git@[ports.example:2222]:{root}' },
  ]);
  assert.deepEqual(matchRewrite(compiled, 'git.corp.example/team/lib/v2'), {
    root: 'git.corp.example/team',
    vcs: 'git',
    url: 'git@git.corp.example:team.git',
    rule: { pattern: 'git.corp.example/*', url: 'git@git.corp.example:*.git' },
  });
  assert.equal(
    matchRewrite(compiled, 'ports.example/a/b')?.url,
    'git@[ports.example:2222]:ports.example/a',
  );
  for (const rule of [
    { pattern: 'm.example/*', url: 'git@m.example:*', vcs: 'mod' as const },
    { pattern: 'l.example/*', url: '/srv/git/*' },
    { pattern: 'l.example/*', url: 'srv/x:*' },
    { pattern: 'l.example/*', url: 'ext::*' },
  ]) {
    assert.throws(
      () => compileRewrites([rule]),
      (err: unknown) => err instanceof ModgateError && err.kind === 'invalid',
      rule.url,
    );
  }
});

test('ssh keys and hosts: an scp-like remote is an ssh remote, ports in brackets count', () => {
  assert.deepEqual(sshHostOf('git@Git.Corp.Example:team/repo.git'), {
    name: 'git.corp.example',
    port: '',
  });
  assert.deepEqual(sshHostOf('git@[127.0.0.1:2222]:/srv/x'), { name: '127.0.0.1', port: '2222' });
  assert.equal(sshHostOf('ext::sh -c id'), undefined);
  const ids = new SshIdentities({
    keys: [
      { host: 'git.corp.example', path: '/keys/corp' },
      { host: '127.0.0.1:2222', path: '/keys/2222' },
    ],
  });
  assert.equal(ids.keyFor('git@git.corp.example:team/repo.git'), '/keys/corp');
  assert.equal(ids.keyFor('[git@127.0.0.1:2222]:/srv/x'), '/keys/2222');
  assert.equal(ids.keyFor('git@127.0.0.1:/srv/x'), undefined);
  assert.ok(ids.forUrl('git@git.corp.example:team/repo.git')?.command.includes('/keys/corp'));
});

let fx: GitFixture;
before(async () => {
  fx = await GitFixture.create();
});
after(async () => {
  await fx.close();
});

test('git receives the scp-like URL unchanged: the path stays relative to the login directory', async () => {
  // A stand-in ssh that records how git invoked it and fails.
  const script = join(fx.root, 'record-ssh.sh');
  const record = join(fx.root, 'ssh-args');
  await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${record}'\nexit 255\n`);
  await chmod(script, 0o755);
  const schemes = gitSchemesForRewrites(['git@git.corp.example:*.git']);
  const cache = fx.cache({
    env: { ...fx.env, GIT_SSH_COMMAND: script, GIT_SSH_VARIANT: 'ssh' },
    allowedSchemes: schemes,
  });
  await assert.rejects(cache.probe('git@git.corp.example:team/repo.git'), (err: unknown) => {
    assert.ok(err instanceof ModgateError, String(err));
    assert.notEqual(err.kind, 'not-found');
    assert.ok(err.message.includes('git.corp.example'), err.message);
    return true;
  });
  await assert.rejects(cache.probe('[git@git.corp.example:2222]:/srv/abs.git'));
  const calls = (await readFile(record, 'utf8')).trim().split('\n');
  assert.equal(calls.length, 2, calls.join('\n'));
  assert.match(calls[0] ?? '', /(^| )git@git\.corp\.example git-upload-pack 'team\/repo\.git'$/);
  assert.match(calls[1] ?? '', /-p 2222 git@git\.corp\.example git-upload-pack '\/srv\/abs\.git'$/);
});
