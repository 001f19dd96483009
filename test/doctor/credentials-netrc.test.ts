import assert from 'node:assert/strict';
import { chmod, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { netrcCheck } from '../../src/doctor/checks/credentials/netrc-check.js';
import { gitLsRemoteCheck } from '../../src/doctor/checks/credentials/git-ls-remote-check.js';
import { parseNetrc } from '../../src/doctor/checks/credentials/parse-netrc.js';
import { credentialChecks } from '../../src/doctor/checks/credential-checks.js';
import type { DoctorContext } from '../../src/doctor/doctor-context.js';
import { DoctorSandbox, oneFinding } from './doctor-sandbox.js';
import { applyFix, PRIVATE_MODULE, PrivateGitHost, privateGoMod } from './credentials-fixture.js';

/**
 * A private git repository served over HTTP with Basic auth: without a .netrc entry git (and
 * so the go command) fails with "terminal prompts disabled" and doctor prints the .netrc lines;
 * with those lines applied (the test's password in place of the placeholder) git ls-remote and
 * the real go command succeed; a 0644 .netrc is flagged with `chmod 600`; a wrong password is
 * "rejected", not "missing". No login or password ever appears in a finding.
 */
describe('doctor credentials: .netrc and git ls-remote against a private http git host', () => {
  let box: DoctorSandbox;
  let host: PrivateGitHost;
  let dir: string;
  let env: Record<string, string | undefined>;
  const home = (): string => join(box.root, 'home');
  const netrc = (): string => join(home(), '.netrc');

  before(async () => {
    box = await DoctorSandbox.create();
    host = await PrivateGitHost.start();
    await host.writeGitConfig(home());
    dir = await box.module('app', privateGoMod());
    env = box.env({
      GOPRIVATE: 'example.invalid',
      GOPROXY: 'https://proxy.invalid',
      GOFLAGS: '-modcacherw',
      GIT_CONFIG_NOSYSTEM: '1',
    });
  });
  after(async () => {
    await host?.close();
    await box?.cleanup();
  });

  const context = (): Promise<DoctorContext> => box.context(dir, env, { probeTimeoutMs: 20_000 });

  function assertNoSecret(value: unknown): void {
    const text = JSON.stringify(value);
    assert.ok(!text.includes(host.password), `a finding shows the password: ${text}`);
    assert.ok(!text.includes(' bot'), `a finding shows the login: ${text}`);
  }

  async function goDownload(): Promise<{ code: number | undefined; out: string }> {
    const cache = await box.freshModCache(`dl-${Math.random().toString(36).slice(2)}`);
    const r = await box.go(['mod', 'download', '-json', `${PRIVATE_MODULE}@v1.0.0`], dir, {
      ...env,
      GOMODCACHE: cache,
    });
    return { code: r.code, out: r.stdout + r.stderr };
  }

  test('no .netrc: ls-remote fails for missing credentials; the printed lines fix git and the go command', async () => {
    await rm(netrc(), { force: true });
    const before = await goDownload();
    assert.notEqual(before.code, 0, 'the go command fails without credentials');
    assert.match(before.out, /terminal prompts disabled/);

    const ctx = await context();
    const missing = await oneFinding(netrcCheck, ctx, '127.0.0.1');
    assert.equal(missing.status, 'warn');
    assert.equal(missing.summary, 'no ~/.netrc entry');
    const probe = await oneFinding(gitLsRemoteCheck, ctx, PRIVATE_MODULE);
    assert.equal(probe.status, 'fail');
    assert.equal(
      probe.summary,
      `git ls-remote https://example.invalid/locked (via ${host.base}locked): ` +
        'needs credentials, and git has none for 127.0.0.1',
    );
    assert.deepEqual(probe.fix, [
      "echo 'machine 127.0.0.1 login <user> password <token>' >> ~/.netrc",
      'chmod 600 ~/.netrc',
    ]);
    assert.ok(
      probe.details?.some((d) => /terminal prompts disabled/.test(d)),
      String(probe.details),
    );

    await applyFix(probe.fix, env, { '<user>': host.user, '<token>': host.password });
    assert.equal((await stat(netrc())).mode & 0o777, 0o600);
    const fixed = await context();
    const entry = await oneFinding(netrcCheck, fixed, '127.0.0.1');
    assert.equal(entry.status, 'ok');
    assert.equal(entry.summary, 'entry present in ~/.netrc (login ***)');
    const ok = await oneFinding(gitLsRemoteCheck, fixed, PRIVATE_MODULE);
    assert.equal(ok.status, 'ok', JSON.stringify(ok));
    const after = await goDownload();
    assert.equal(after.code, 0, after.out);
    for (const check of credentialChecks) assertNoSecret(await check.run(fixed));
  });

  test('a 0644 .netrc: warned with chmod 600 (the go command still reads it), ok after', async () => {
    await writeFile(netrc(), `machine 127.0.0.1 login ${host.user} password ${host.password}\n`);
    await chmod(netrc(), 0o644);
    const found = await oneFinding(netrcCheck, await context(), '~/.netrc');
    assert.equal(found.status, 'warn');
    assert.equal(found.summary, 'readable by every user (mode 0644)');
    assert.deepEqual(found.fix, ['chmod 600 ~/.netrc']);
    assertNoSecret(found);
    const works = await goDownload();
    assert.equal(works.code, 0, `mode is not what breaks a download: ${works.out}`);
    await applyFix(found.fix, env);
    const ok = await oneFinding(netrcCheck, await context(), '~/.netrc');
    assert.equal(ok.status, 'ok');
    assert.equal(ok.summary, 'mode 0600, 1 entry');
  });

  test('a wrong password: rejected (not missing), with the .netrc line to replace', async () => {
    await writeFile(netrc(), `machine 127.0.0.1 login ${host.user} password not-the-token\n`, {
      mode: 0o600,
    });
    const ctx = await context();
    const probe = await oneFinding(gitLsRemoteCheck, ctx, PRIVATE_MODULE);
    assert.equal(probe.status, 'fail');
    assert.match(
      probe.summary,
      /127\.0\.0\.1 rejected the credentials git sent/,
      JSON.stringify(probe.details),
    );
    assert.ok(
      probe.fix?.includes("echo 'machine 127.0.0.1 login <user> password <token>' >> ~/.netrc"),
    );
    assert.equal((await oneFinding(netrcCheck, ctx, '127.0.0.1')).status, 'ok');
    assert.ok(!JSON.stringify(probe).includes('not-the-token'));
  });

  test('NETRC: its mode is checked; an entry only there is not enough for git, which reads ~/.netrc', async () => {
    await rm(netrc(), { force: true });
    const other = join(box.root, 'other-netrc');
    await writeFile(other, `machine 127.0.0.1 login ${host.user} password ${host.password}\n`, {
      mode: 0o640,
    });
    const withNetrc = { ...env, NETRC: other };
    const ctx = await box.context(dir, withNetrc, { probeTimeoutMs: 20_000 });
    const file = await oneFinding(netrcCheck, ctx, other);
    assert.equal(file.status, 'warn');
    assert.equal(file.summary, 'readable by its group (mode 0640)');
    assert.deepEqual(file.fix, [`chmod 600 ${other}`]);
    const entry = await oneFinding(netrcCheck, ctx, '127.0.0.1');
    assert.equal(entry.status, 'warn');
    assert.equal(
      entry.summary,
      `the entry is in NETRC (${other}), which git ignores: git (curl) reads ~/.netrc only`,
    );
    assert.deepEqual(entry.fix, [
      "echo 'machine 127.0.0.1 login <user> password <token>' >> ~/.netrc",
      'chmod 600 ~/.netrc',
    ]);
    assert.equal((await oneFinding(gitLsRemoteCheck, ctx, PRIVATE_MODULE)).status, 'fail');
    const cache = await box.freshModCache('netrc-env');
    const go = await box.go(['mod', 'download', `${PRIVATE_MODULE}@v1.0.0`], dir, {
      ...withNetrc,
      GOMODCACHE: cache,
    });
    assert.notEqual(go.code, 0, 'the go command fails too: its git ignores NETRC');
    assertNoSecret(await netrcCheck.run(ctx));
  });
});

test('parseNetrc: the go command rules (complete entries only, macdef skipped, default ends)', () => {
  const parsed = parseNetrc(
    [
      'machine a.example login u1 password p1',
      'machine b.example',
      '  login u2',
      '  password p2',
      'machine c.example login only-login',
      'macdef init',
      'machine hidden.example login m password m',
      '',
      'machine d.example login u4 password p4 default login x password y',
      'machine after.example login z password z',
    ].join('\n'),
  );
  assert.deepEqual(
    parsed.entries.map((e) => e.machine),
    ['a.example', 'b.example', 'd.example'],
  );
  assert.deepEqual(parsed.incomplete, ['c.example']);
  assert.equal(parsed.hasDefault, true);
  assert.ok(!JSON.stringify(parsed).includes('p1'), 'no password kept');
});

test('parseNetrc keeps passwords only when asked (network/go-credentials sends them; reports never see them)', () => {
  const data = 'machine a.example login u password s3cret\nmachine b.example login v\n';
  assert.deepEqual(parseNetrc(data).entries, [{ machine: 'a.example', login: 'u' }]);
  assert.deepEqual(parseNetrc(data, { keepPasswords: true }).entries, [
    { machine: 'a.example', login: 'u', password: 's3cret' },
  ]);
  // A `default` in the middle of a line ends the file for the go command too.
  const ended = 'machine a.example login u default machine c.example login w password p\n';
  assert.deepEqual(parseNetrc(ended, { keepPasswords: true }).entries, []);
});
