import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../../../src/errors/index.js';
import { GitFixture } from './git-fixture.js';

// The user's git configuration keeps working under modgate.
let fx: GitFixture;
let head = '';
const ctx = {};

before(async () => {
  fx = await GitFixture.create();
  const repo = await fx.newRepo('team/repo');
  head = await fx.commit(repo, { 'go.mod': 'module x\n' }, 'one', '2020-01-01T00:00:00Z');
  await fx.git(repo, ['tag', 'v1.0.0']);
  await fx.startDaemon();
});

after(async () => {
  await fx.close();
});

/** A fake ssh that records its arguments and fails like a refused key. */
async function fakeSsh(name: string): Promise<{ path: string; log: string }> {
  const path = join(fx.root, name);
  const log = join(fx.root, `${name}.log`);
  await writeFile(
    path,
    `#!/bin/sh\necho "$@" >> '${log}'\necho 'git@h: Permission denied (publickey).' >&2\nexit 255\n`,
  );
  await chmod(path, 0o755);
  return { path, log };
}

test("insteadOf from the user's global config rewrites the remote", async () => {
  const base = await fx.url('');
  await writeFile(
    join(fx.home, '.gitconfig'),
    `[url "${base}"]\n\tinsteadOf = https://git.corp.invalid/\n`,
  );
  try {
    const host = fx.cache().codeHost('https://git.corp.invalid/team/repo');
    const info = await host.stat('v1.0.0', ctx);
    assert.equal(info.name, head);
    assert.match(host.description, /git\.corp\.invalid/, 'errors and logs name the URL as given');
  } finally {
    await writeFile(join(fx.home, '.gitconfig'), '');
  }
});

test("the user's core.sshCommand is used (no GIT_SSH_COMMAND default overrides it)", async () => {
  const ssh = await fakeSsh('user-ssh');
  await writeFile(join(fx.home, '.gitconfig'), `[core]\n\tsshCommand = ${ssh.path}\n`);
  try {
    const cache = fx.cache();
    await assert.rejects(
      cache.codeHost('ssh://git@git.corp.invalid/team/repo').tags('', ctx),
      (err) => {
        assert.ok(err instanceof ModgateError);
        assert.equal(err.kind, 'forbidden', err.message);
        assert.match(err.message, /authentication failed for git\.corp\.invalid/);
        return true;
      },
    );
    assert.match(await readFile(ssh.log, 'utf8'), /git@git\.corp\.invalid/);
  } finally {
    await writeFile(join(fx.home, '.gitconfig'), '');
  }
});

test('a configured sshCommand is used for ssh remotes', async () => {
  const ssh = await fakeSsh('configured-ssh');
  const cache = fx.cache({ sshCommand: ssh.path });
  await assert.rejects(cache.codeHost('ssh://git@ssh.corp.invalid/r').tags('', ctx), {
    kind: 'forbidden',
  });
  assert.match(await readFile(ssh.log, 'utf8'), /git@ssh\.corp\.invalid/);
});

test('no git binary: an internal error that says so', async () => {
  const cache = fx.cache({ env: { ...fx.env, PATH: join(fx.root, 'empty-path') } });
  await assert.rejects(cache.codeHost(await fx.url('team/repo')).tags('', ctx), (err) => {
    assert.ok(err instanceof ModgateError);
    assert.equal(err.kind, 'internal');
    assert.match(err.message, /cannot run git/);
    return true;
  });
});

test('a helper left running after git exits is killed (pipes would never close)', async () => {
  const script = join(fx.root, 'lingering-ssh');
  const pidFile = join(fx.root, 'lingering.pid');
  // Leaves a sleeper holding only the inherited stderr (git's, i.e. our pipe), then fails:
  // git exits, but our pipe stays open.
  await writeFile(script, `#!/bin/sh\nsleep 60 >/dev/null &\necho $! > '${pidFile}'\nexit 255\n`);
  await chmod(script, 0o755);
  const cache = fx.cache({ sshCommand: script, timeouts: { 'ls-remote': 20_000 } });
  await assert.rejects(cache.codeHost('ssh://git@linger.invalid/r').tags('', ctx), {
    kind: 'upstream',
  });
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  assert.ok(pid > 0);
  let alive = true;
  for (let i = 0; i < 50 && alive; i++) {
    alive = await isAlive(pid);
    if (alive) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(alive, false, 'the sleeper is gone');
});

/** Running (a zombie — killed, not yet reaped by whoever adopted it — counts as gone). */
async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}
