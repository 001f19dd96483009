import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gitLsRemoteCheck } from '../../src/doctor/checks/credentials/git-ls-remote-check.js';
import { gitRewritesCheck } from '../../src/doctor/checks/credentials/git-rewrites-check.js';
import { sshCheck } from '../../src/doctor/checks/credentials/ssh-check.js';
import type { DoctorContext } from '../../src/doctor/doctor-context.js';
import { SshdFixture } from '../upstream/direct/git/sshd-fixture.js';
import { applyFix, PRIVATE_MODULE, PrivateGitHost, privateGoMod } from './credentials-fixture.js';
import { DoctorSandbox, oneFinding } from './doctor-sandbox.js';

/**
 * An `insteadOf` that sends the private module's https URL to ssh (a real OpenSSH server on
 * 127.0.0.1) on a machine with no SSH key and no known_hosts entry: doctor shows the rewritten
 * URL, finds no key, no host key, and git ls-remote fails on the host key (as the real go
 * command does); with the printed ssh-keyscan line applied it fails on the key instead
 * (publickey); with a key the server accepts, everything is ok.
 */
const why = SshdFixture.unavailable();
describe('doctor credentials: an insteadOf to ssh', { skip: why }, () => {
  let box: DoctorSandbox;
  let host: PrivateGitHost;
  let sshd: SshdFixture;
  let dir: string;
  let env: Record<string, string | undefined>;
  let sshUrl: string;
  const home = (): string => join(box.root, 'home');

  before(async () => {
    box = await DoctorSandbox.create();
    host = await PrivateGitHost.start();
    sshd = await SshdFixture.start();
    sshUrl = `ssh://${sshd.user}@127.0.0.1:${sshd.port}${host.git.srv}/`;
    await host.writeGitConfig(home(), sshUrl);
    dir = await box.module('app', privateGoMod());
    env = box.env({
      GOPRIVATE: 'example.invalid',
      GOPROXY: 'https://proxy.invalid',
      GOFLAGS: '-modcacherw',
      GIT_CONFIG_NOSYSTEM: '1',
    });
  });
  after(async () => {
    await sshd?.close();
    await host?.close();
    await box?.cleanup();
  });

  const context = (): Promise<DoctorContext> => box.context(dir, env, { probeTimeoutMs: 20_000 });
  const knownName = (): string => `[127.0.0.1]:${sshd.port}`;

  test('no key, no known_hosts entry: the rewrite is shown, every missing piece is named', async () => {
    const cache = await box.freshModCache('ssh-before');
    const go = await box.go(['mod', 'download', '-json', `${PRIVATE_MODULE}@v1.0.0`], dir, {
      ...env,
      GOMODCACHE: cache,
    });
    assert.notEqual(go.code, 0, 'the go command fails too');

    const ctx = await context();
    const rewrite = await oneFinding(gitRewritesCheck, ctx, PRIVATE_MODULE);
    assert.equal(rewrite.status, 'ok');
    assert.equal(
      rewrite.summary,
      `https://example.invalid/locked → ${sshUrl}locked (ssh: needs a key, see credentials.ssh)`,
    );
    const keys = await oneFinding(sshCheck, ctx, '~/.ssh');
    assert.equal(keys.status, 'fail');
    assert.equal(
      keys.summary,
      'no SSH key: none in ~/.ssh and no agent (SSH_AUTH_SOCK is not set)',
    );
    assert.ok(keys.fix?.includes('ssh-add ~/.ssh/id_ed25519'));
    const known = await oneFinding(sshCheck, ctx, knownName());
    assert.equal(known.status, 'fail');
    assert.equal(known.summary, 'not in ~/.ssh/known_hosts');
    const reach = await oneFinding(sshCheck, ctx, `${sshd.user}@127.0.0.1:${sshd.port}`);
    assert.equal(reach.status, 'fail');
    assert.match(reach.summary, /Host key verification failed/);
    const probe = await oneFinding(gitLsRemoteCheck, ctx, PRIVATE_MODULE);
    assert.equal(probe.status, 'fail');
    assert.match(probe.summary, /SSH host key is not in ~\/\.ssh\/known_hosts/);
    assert.deepEqual(
      probe.fix?.[0],
      `mkdir -p ~/.ssh && ssh-keyscan -p ${sshd.port} 127.0.0.1 >> ~/.ssh/known_hosts`,
    );
  });

  test('with the printed ssh-keyscan line applied: the host is known, the key is what is missing', async () => {
    const probe = await oneFinding(gitLsRemoteCheck, await context(), PRIVATE_MODULE);
    await applyFix(probe.fix, env);
    assert.match(await readFile(join(home(), '.ssh', 'known_hosts'), 'utf8'), /ssh-ed25519/);
    const ctx = await context();
    assert.equal((await oneFinding(sshCheck, ctx, knownName())).status, 'ok');
    const again = await oneFinding(gitLsRemoteCheck, ctx, PRIVATE_MODULE);
    assert.equal(again.status, 'fail');
    assert.match(
      again.summary,
      /refused every SSH key offered \(Permission denied \(publickey\)\)/,
    );
    assert.ok(again.fix?.includes('ssh-add ~/.ssh/id_ed25519'));
  });

  test('with a key the server accepts: ssh and git ls-remote are ok', async () => {
    await mkdir(join(home(), '.ssh'), { recursive: true });
    const key = join(home(), '.ssh', 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const authorized = join(sshd.dir, 'authorized_keys');
    await writeFile(
      authorized,
      (await readFile(authorized, 'utf8')) + (await readFile(`${key}.pub`, 'utf8')),
    );
    const ctx = await context();
    const keys = await oneFinding(sshCheck, ctx, '~/.ssh');
    assert.equal(keys.status, 'ok');
    assert.match(keys.summary, /~\/\.ssh\/id_ed25519/);
    const reach = await oneFinding(sshCheck, ctx, `${sshd.user}@127.0.0.1:${sshd.port}`);
    assert.equal(reach.status, 'ok', JSON.stringify(reach));
    const probe = await oneFinding(gitLsRemoteCheck, ctx, PRIVATE_MODULE);
    assert.equal(probe.status, 'ok', JSON.stringify(probe));
    assert.ok(!JSON.stringify(keys).includes('PRIVATE KEY'));
  });
});
