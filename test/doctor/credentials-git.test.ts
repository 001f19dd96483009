import assert from 'node:assert/strict';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { credentialChecks } from '../../src/doctor/checks/credential-checks.js';
import { gitCheck } from '../../src/doctor/checks/credentials/git-check.js';
import { gitLsRemoteCheck } from '../../src/doctor/checks/credentials/git-ls-remote-check.js';
import { gitRewritesCheck } from '../../src/doctor/checks/credentials/git-rewrites-check.js';
import { netrcCheck } from '../../src/doctor/checks/credentials/netrc-check.js';
import { PRIVATE_MODULE, PrivateGitHost, privateGoMod } from './credentials-fixture.js';
import { DoctorSandbox, findingsOf, oneFinding } from './doctor-sandbox.js';

/**
 * git's side of the credentials: a credential helper (`store`) that holds the token — listed
 * with the file that configures it, and enough for git ls-remote with no .netrc; a token
 * written into an insteadOf base — flagged, redacted, never shown; and a machine without git,
 * where the go command cannot fetch a private module at all.
 */
describe('doctor credentials: git, its credential helper and insteadOf', () => {
  let box: DoctorSandbox;
  let host: PrivateGitHost;
  let dir: string;
  let env: Record<string, string | undefined>;
  const home = (): string => join(box.root, 'home');

  before(async () => {
    box = await DoctorSandbox.create();
    host = await PrivateGitHost.start();
    dir = await box.module('app', privateGoMod());
    env = box.env({
      GOPRIVATE: 'example.invalid',
      GOPROXY: 'https://proxy.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
    });
  });
  after(async () => {
    await host?.close();
    await box?.cleanup();
  });

  function assertNoSecret(value: unknown): void {
    const text = JSON.stringify(value);
    assert.ok(!text.includes(host.password), `the password is shown: ${text}`);
  }

  test('credential.helper=store with the token: listed with its file; ls-remote works without .netrc', async () => {
    await host.writeGitConfig(home());
    await writeFile(join(home(), '.gitconfig'), `[credential]\n\thelper = store\n`, { flag: 'a' });
    await writeFile(
      join(home(), '.git-credentials'),
      `http://${host.user}:${host.password}@127.0.0.1:${host.server.port}\n`,
      { mode: 0o600 },
    );
    const ctx = await box.context(dir, env, { probeTimeoutMs: 20_000 });
    const helper = await oneFinding(gitCheck, ctx, 'credential.helper');
    assert.equal(helper.status, 'ok');
    assert.equal(helper.summary, 'store');
    assert.deepEqual(helper.details, ['credential.helper = store (~/.gitconfig)']);
    const netrc = await oneFinding(netrcCheck, ctx, '127.0.0.1');
    assert.equal(netrc.status, 'ok');
    assert.match(netrc.summary, /git's credential helper may supply one/);
    assert.equal((await oneFinding(gitLsRemoteCheck, ctx, PRIVATE_MODULE)).status, 'ok');
    for (const check of credentialChecks) assertNoSecret(await check.run(ctx));
    await rm(join(home(), '.git-credentials'));
  });

  test('a token inside an insteadOf base: warned and redacted, and the rewrite is shown without it', async () => {
    const secretBase = `http://${host.user}:${host.password}@127.0.0.1:${host.server.port}/`;
    await host.writeGitConfig(home(), secretBase);
    const ctx = await box.context(dir, env, { probeTimeoutMs: 20_000 });
    const found = await findingsOf(gitRewritesCheck, ctx);
    const warn = found.find((f) => f.status === 'warn');
    assert.ok(warn, JSON.stringify(found));
    assert.equal(
      warn.summary,
      `url.http://xxxxx@127.0.0.1:${host.server.port}/.insteadOf holds a credential in plain text (~/.gitconfig)`,
    );
    const rewrite = found.find((f) => f.subject === PRIVATE_MODULE);
    assert.equal(
      rewrite?.summary,
      `https://example.invalid/locked → http://xxxxx@127.0.0.1:${host.server.port}/locked`,
    );
    const probe = await oneFinding(gitLsRemoteCheck, ctx, PRIVATE_MODULE);
    assert.equal(probe.status, 'ok');
    for (const check of credentialChecks) assertNoSecret(await check.run(ctx));
  });

  test('no git on PATH: a fail naming the private module, the git-driven checks skip', async () => {
    const bin = join(box.root, 'bin-without-git');
    await mkdir(bin, { recursive: true });
    await symlink('/usr/bin/go', join(bin, 'go')).catch(() => undefined);
    const ctx = await box.context(dir, { ...env, PATH: bin }, { probeTimeoutMs: 20_000 });
    const git = await oneFinding(gitCheck, ctx);
    assert.equal(git.status, 'fail');
    assert.equal(git.summary, 'git is not installed (not on PATH)');
    assert.match(
      git.why ?? '',
      new RegExp(`runs git to fetch ${PRIVATE_MODULE.replace(/\./g, '\\.')}`),
    );
    assert.equal((await oneFinding(gitLsRemoteCheck, ctx)).status, 'skip');
    assert.equal((await oneFinding(gitRewritesCheck, ctx)).status, 'skip');
  });
});
