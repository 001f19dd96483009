import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applyGoEnvChanges } from '../../src/doctor/apply-go-env-changes.js';
import { goSumCheck } from '../../src/doctor/checks/module/go-sum-check.js';
import { moduleFilesCheck } from '../../src/doctor/checks/module/module-files-check.js';
import { pathCaseCheck } from '../../src/doctor/checks/module/path-case-check.js';
import { privatePathsCheck } from '../../src/doctor/checks/module/private-paths-check.js';
import { proxyBypassCheck } from '../../src/doctor/checks/module/proxy-bypass-check.js';
import { replaceDirsCheck } from '../../src/doctor/checks/module/replace-dirs-check.js';
import { moduleChecks } from '../../src/doctor/checks/module-checks.js';
import type { Finding } from '../../src/doctor/finding.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { TestSumdb } from '../support/test-sumdb.js';
import { ClientConfigServer } from './client-config-server.js';
import { DoctorSandbox, findingsOf, oneFinding } from './doctor-sandbox.js';

// The module layer of `modgate doctor` (issue 10): what the go.mod / go.work / go.sum need,
// judged by the machine's own patterns and, with --server, the company modgate's.

const LIB = 'corp.example.com/lib';
const APP_MOD = `module corp.example.com/app\n\ngo 1.19\n\nrequire (\n\t${LIB} v1.0.0\n\tgolang.org/x/text v0.3.0\n)\n`;

let sandbox: DoctorSandbox;
let proxy: FixtureProxy;

before(async () => {
  sandbox = await DoctorSandbox.create();
  proxy = await FixtureProxy.create([
    { path: LIB, version: 'v1.0.0', files: { 'lib.go': 'package lib\n' } },
  ]);
});
after(async () => {
  await proxy.close();
  await sandbox.cleanup();
});

async function applyFix(
  f: Finding,
  env: Record<string, string | undefined>,
  dir: string,
): Promise<void> {
  assert.ok(
    f.goEnvChanges !== undefined && f.goEnvChanges.length > 0,
    'the finding offers a go env change',
  );
  const applied = await applyGoEnvChanges(f.goEnvChanges, {
    dir,
    env,
    probeTimeoutMs: 30_000,
    go: undefined,
  });
  for (const a of applied) assert.ok(a.ok, `${a.command}: ${a.message ?? ''}`);
}

describe('doctor module checks', () => {
  test('a healthy module: every module check is ok or skipped (proxy-bypass needs --server)', async () => {
    const dir = await sandbox.module('healthy', {
      'go.mod': APP_MOD,
      'go.sum': `${LIB} v1.0.0/go.mod h1:x=\ngolang.org/x/text v0.3.0/go.mod h1:y=\n`,
    });
    const ctx = await sandbox.context(dir, sandbox.env({ GOPRIVATE: 'corp.example.com' }));
    for (const check of moduleChecks) {
      for (const f of await check.run(ctx)) {
        assert.ok(
          f.status === 'ok' || (f.check === 'module.proxy-bypass' && f.status === 'skip'),
          `${f.check}: ${f.status} ${f.summary}`,
        );
      }
    }
    assert.deepEqual(
      ctx.module?.fetched.map((m) => [m.path, m.noProxy, m.noSumdb]),
      [
        [LIB, true, true],
        ['golang.org/x/text', false, false],
      ],
    );
  });

  test('GOPRIVATE not covering a required private module: flagged, the go command fails verifying it, the fix makes it work', async () => {
    const sumdb = await TestSumdb.create();
    const config = await ClientConfigServer.start({
      url: proxy.url,
      goproxy: `${proxy.url},off`,
      private: 'corp.example.com',
      gosumdb: '',
      credentials: false,
    });
    try {
      const dir = await sandbox.module('uncovered', {
        'go.mod': `module corp.example.com/app\n\ngo 1.19\n\nrequire ${LIB} v1.0.0\n`,
      });
      const goenv = join(sandbox.root, 'goenv-uncovered');
      await writeFile(goenv, 'GOPRIVATE=git.other.example\n');
      // Without --server: the same organisation as the main module, so it looks private (warn).
      const plain = await oneFinding(
        privatePathsCheck,
        await sandbox.context(dir, sandbox.env({ GOENV: goenv })),
        LIB,
      );
      assert.equal(plain.status, 'warn');
      assert.match(
        plain.summary,
        /looks private .* would be sent to the public proxy https:\/\/proxy\.golang\.org and the public checksum database sum\.golang\.org/,
      );
      assert.deepEqual(plain.fix, ['go env -w GOPRIVATE=git.other.example,corp.example.com']);
      // With the company modgate's patterns it is known private (fail), and the fix is GONOSUMDB:
      // the company proxy fetches it, only the checksum database must not see it.
      const env = sandbox.env({
        GOENV: goenv,
        GOPROXY: proxy.url,
        GOFLAGS: '-modcacherw',
        GOMODCACHE: await sandbox.freshModCache('uncovered'),
      });
      const ctx = await sandbox.context(dir, env, { server: config.url });
      assert.equal(ctx.serverProblem, undefined);
      const f = await oneFinding(privatePathsCheck, ctx, LIB);
      assert.equal(f.status, 'fail');
      assert.match(
        f.summary,
        /^corp\.example\.com\/lib is private but would be sent to the public checksum database sum\.golang\.org$/,
      );
      // GONOSUMDB, once set, replaces GOPRIVATE for the checksum database: it keeps GOPRIVATE's patterns.
      assert.deepEqual(f.fix, ['go env -w GONOSUMDB=git.other.example,corp.example.com']);

      // The go command, with a checksum database standing in for the public one, fails to verify it …
      const goEnv = { ...env, GOSUMDB: `${sumdb.verifierKey} ${sumdb.url}` };
      const before = await sandbox.go(['mod', 'download', LIB], dir, goEnv);
      assert.notEqual(before.code, 0);
      assert.match(before.stderr, /verifying go.mod: .*404 Not Found/);
      // … and downloads it once the printed fix is applied.
      await applyFix(f, goEnv, dir);
      const afterFix = await sandbox.go(['mod', 'download', LIB], dir, goEnv);
      assert.equal(afterFix.code, 0, afterFix.stderr);
    } finally {
      await config.close();
      await sumdb.close();
    }
  });

  test('a GOPRIVATE path that GONOSUMDB drops fails (public checksum database)', async () => {
    const dir = await sandbox.module('dropped', { 'go.mod': APP_MOD });
    const ctx = await sandbox.context(
      dir,
      sandbox.env({ GOPRIVATE: 'corp.example.com', GONOSUMDB: 'git.other.example' }),
    );
    const f = await oneFinding(privatePathsCheck, ctx, LIB);
    assert.equal(f.status, 'fail');
    assert.match(f.summary, /is private but would be sent to the public checksum database/);
  });

  test('GONOPROXY bypassing the company proxy fails; the go command fails direct and works after the fix', async () => {
    const config = await ClientConfigServer.start({
      url: proxy.url,
      goproxy: `${proxy.url},off`,
      private: 'corp.example.com',
      gosumdb: '',
      credentials: false,
    });
    try {
      const dir = await sandbox.module('bypass', {
        'go.mod': `module example.com/app\n\ngo 1.19\n\nrequire ${LIB} v1.0.0\n`,
      });
      const goenv = join(sandbox.root, 'goenv-bypass');
      await writeFile(goenv, 'GONOPROXY=corp.example.com\n');
      // Direct fetches go through an HTTP proxy that refuses connections, so they fail at once
      // (the go command never proxies 127.0.0.1, so the fixture GOPROXY is still reached).
      const env = sandbox.env({
        GOENV: goenv,
        GOPROXY: proxy.url,
        GOSUMDB: 'off',
        GOFLAGS: '-modcacherw',
        GOMODCACHE: await sandbox.freshModCache('bypass'),
        HTTPS_PROXY: 'http://127.0.0.1:1',
        HTTP_PROXY: 'http://127.0.0.1:1',
      });
      const ctx = await sandbox.context(dir, env, { server: config.url });
      const f = await oneFinding(proxyBypassCheck, ctx, LIB);
      assert.equal(f.status, 'fail');
      assert.equal(
        f.summary,
        `GONOPROXY sends ${LIB} around the company proxy ${proxy.url}, which serves it`,
      );
      assert.deepEqual(f.fix, ['go env -u GONOPROXY']);

      const before = await sandbox.go(['mod', 'download', LIB], dir, env);
      assert.notEqual(before.code, 0);
      await applyFix(f, env, dir);
      const afterFix = await sandbox.go(['mod', 'download', LIB], dir, env);
      assert.equal(afterFix.code, 0, afterFix.stderr);
      const again = await oneFinding(
        proxyBypassCheck,
        await sandbox.context(dir, env, { server: config.url }),
      );
      assert.equal(again.status, 'ok');
    } finally {
      await config.close();
    }
  });

  test('GOPRIVATE (GONOPROXY unset) bypassing the company proxy: the fix is GONOPROXY=none', async () => {
    const config = await ClientConfigServer.start({
      url: proxy.url,
      goproxy: proxy.url,
      private: 'corp.example.com',
      gosumdb: '',
      credentials: false,
    });
    try {
      const dir = await sandbox.module('bypass-private', { 'go.mod': APP_MOD });
      const ctx = await sandbox.context(
        dir,
        sandbox.env({ GOPRIVATE: 'corp.example.com', GOPROXY: proxy.url }),
        { server: config.url },
      );
      const f = await oneFinding(proxyBypassCheck, ctx, LIB);
      assert.equal(f.status, 'fail');
      assert.match(f.summary, /^GOPRIVATE \(GONOPROXY is unset\) sends/);
      assert.deepEqual(f.fix, ['go env -w GONOPROXY=none']);
    } finally {
      await config.close();
    }
  });

  test('a replace to a missing directory fails, as the go command does', async () => {
    const dir = await sandbox.module('replace-missing', {
      'go.mod': `${APP_MOD}\nreplace ${LIB} => ../lib-checkout\n`,
    });
    const env = sandbox.env({ GOPROXY: 'off' });
    const f = await oneFinding(replaceDirsCheck, await sandbox.context(dir, env));
    assert.equal(f.status, 'fail');
    assert.equal(
      f.summary,
      `the replacement directory ${join(dir, '..', 'lib-checkout')} does not exist`,
    );
    assert.equal(
      f.fix?.[1],
      `(cd ${dir} && go mod edit -dropreplace=${LIB})   # to use the published module instead`,
    );
    const goRun = await sandbox.go(['list', '-m', 'all'], dir, env);
    assert.notEqual(goRun.code, 0);
    assert.match(goRun.stderr, /reading \.\.\/lib-checkout\/go\.mod: .*no such file or directory/);
    // A directory replacement is not fetched.
    const ctx = await sandbox.context(dir, env);
    assert.deepEqual(
      ctx.module?.fetched.map((m) => m.path),
      ['golang.org/x/text'],
    );
  });

  test('requirements that differ only in case fail', async () => {
    const dir = await sandbox.module('case', {
      'go.mod':
        'module example.com/c\n\ngo 1.19\n\nrequire (\n\tgithub.com/Sirupsen/logrus v1.0.0\n\tgithub.com/sirupsen/logrus v1.8.1\n)\n',
    });
    const found = await findingsOf(pathCaseCheck, await sandbox.context(dir, sandbox.env()));
    assert.equal(found.length, 1);
    assert.equal(found[0]?.status, 'fail');
    assert.equal(
      found[0]?.summary,
      'requirements differ only in case: github.com/Sirupsen/logrus, github.com/sirupsen/logrus',
    );
  });

  test('missing go.sum lines warn; a go.mod that does not parse fails', async () => {
    const dir = await sandbox.module('nosum', {
      'go.mod': APP_MOD,
      'go.sum': `${LIB} v1.0.0/go.mod h1:x=\n`,
    });
    const ctx = await sandbox.context(dir, sandbox.env());
    const f = await oneFinding(goSumCheck, ctx);
    assert.equal(f.status, 'warn');
    assert.equal(f.summary, 'go.sum has no line for 1 requirement: golang.org/x/text@v0.3.0');
    const bad = await sandbox.module('badmod', {
      'go.mod': 'module example.com/b\n\nrequire golang.org/x/text\n',
    });
    const files = await oneFinding(moduleFilesCheck, await sandbox.context(bad, sandbox.env()));
    assert.equal(files.status, 'fail');
    assert.match(files.summary, /usage: require module\/path v1\.2\.3/);
  });

  test('outside any module the module checks skip', async () => {
    const ctx = await sandbox.context(join(sandbox.root, 'tmp'), sandbox.env());
    const f = await oneFinding(replaceDirsCheck, ctx);
    assert.equal(f.status, 'skip');
  });
});
