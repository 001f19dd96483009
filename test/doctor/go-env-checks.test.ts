import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applyGoEnvChanges } from '../../src/doctor/apply-go-env-changes.js';
import { goEnvChecks } from '../../src/doctor/checks/go-env-checks.js';
import { cacheDirsCheck } from '../../src/doctor/checks/go-env/cache-dirs-check.js';
import { go111moduleCheck } from '../../src/doctor/checks/go-env/go111module-check.js';
import { goVersionCheck } from '../../src/doctor/checks/go-env/go-version-check.js';
import { goflagsCheck } from '../../src/doctor/checks/go-env/goflags-check.js';
import { goproxyCheck } from '../../src/doctor/checks/go-env/goproxy-check.js';
import { gosumdbCheck } from '../../src/doctor/checks/go-env/gosumdb-check.js';
import { goworkCheck } from '../../src/doctor/checks/go-env/gowork-check.js';
import { privatePatternsCheck } from '../../src/doctor/checks/go-env/private-patterns-check.js';
import type { Finding } from '../../src/doctor/finding.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { TestSumdb } from '../support/test-sumdb.js';
import { DoctorSandbox, oneFinding } from './doctor-sandbox.js';

// The go-env layer of `modgate doctor` (issue 10), each broken situation built for real: the
// settings live in the sandbox's GOENV file or environment, the real go command reads them,
// and where the issue asks, the go command fails before the printed fix and works after it.

const LIB = 'corp.example.com/lib';
const GO_MOD = `module example.com/app\n\ngo 1.19\n\nrequire ${LIB} v1.0.0\n`;

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

/** Applies a finding's `--fix` changes the way `modgate doctor --fix` does. */
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

describe('doctor go env checks', () => {
  test('a healthy machine: every go env check is ok', async () => {
    const dir = await sandbox.module('healthy', { 'go.mod': GO_MOD });
    const env = sandbox.env({ GOPROXY: proxy.url, GOSUMDB: 'off', GONOSUMDB: 'corp.example.com' });
    env.GOSUMDB = undefined;
    const ctx = await sandbox.context(dir, env);
    assert.ok(ctx.go !== undefined, JSON.stringify(ctx.goProblem));
    for (const check of goEnvChecks) {
      for (const f of await check.run(ctx)) {
        assert.equal(f.status, 'ok', `${f.check} ${f.subject ?? ''}: ${f.summary}`);
      }
    }
  });

  test('GONOSUMDB with spaces fails; go mod download fails before and works after the printed fix', async () => {
    const sumdb = await TestSumdb.create();
    try {
      const dir = await sandbox.module('nosumdb-spaces', { 'go.mod': GO_MOD });
      const goenv = join(sandbox.root, 'goenv-nosumdb');
      await writeFile(goenv, 'GONOSUMDB=other.example.com, corp.example.com\n');
      const env = sandbox.env({
        GOENV: goenv,
        GOPROXY: proxy.url,
        GOSUMDB: `${sumdb.verifierKey} ${sumdb.url}`,
        GOFLAGS: '-modcacherw',
        GOMODCACHE: await sandbox.freshModCache('nosumdb'),
      });
      const ctx = await sandbox.context(dir, env);
      assert.equal(ctx.go?.sources.GONOSUMDB, 'goenv-file');
      const f = await oneFinding(privatePatternsCheck, ctx, 'GONOSUMDB');
      assert.equal(f.status, 'fail');
      assert.match(f.summary, /white space/);
      assert.deepEqual(f.fix, ['go env -w GONOSUMDB=other.example.com,corp.example.com']);
      assert.equal(
        ctx.module?.fetched[0]?.noSumdb,
        false,
        'the pattern " corp.example.com" does not match',
      );

      const before = await sandbox.go(['mod', 'download', LIB], dir, env);
      assert.notEqual(before.code, 0);
      assert.match(before.stderr, /verifying module|404/);
      await applyFix(f, env, dir);
      const afterFix = await sandbox.go(['mod', 'download', LIB], dir, env);
      assert.equal(afterFix.code, 0, afterFix.stderr);
      const again = await oneFinding(
        privatePatternsCheck,
        await sandbox.context(dir, env),
        'GONOSUMDB',
      );
      assert.equal(again.status, 'ok');
    } finally {
      await sumdb.close();
    }
  });

  test('GO111MODULE=off fails; go mod download fails before and works after go env -w GO111MODULE=on', async () => {
    const dir = await sandbox.module('gomodules-off', { 'go.mod': GO_MOD });
    const goenv = join(sandbox.root, 'goenv-off');
    await writeFile(goenv, 'GO111MODULE=off\n');
    const env = sandbox.env({
      GOENV: goenv,
      GOPROXY: proxy.url,
      GOSUMDB: 'off',
      GOFLAGS: '-modcacherw',
    });
    const ctx = await sandbox.context(dir, env);
    const f = await oneFinding(go111moduleCheck, ctx);
    assert.equal(f.status, 'fail');
    assert.equal(f.summary, 'GO111MODULE=off: modules are disabled');
    assert.deepEqual(f.fix, ['go env -w GO111MODULE=on']);
    assert.ok(ctx.module !== undefined, 'the go.mod is still found with modules off');

    const before = await sandbox.go(['mod', 'download'], dir, env);
    assert.notEqual(before.code, 0);
    assert.match(before.stderr, /modules disabled by GO111MODULE=off/);
    await applyFix(f, env, dir);
    const afterFix = await sandbox.go(['mod', 'download'], dir, env);
    assert.equal(afterFix.code, 0, afterFix.stderr);
  });

  test('GO111MODULE=off in the environment: the fix unsets it first', async () => {
    const dir = await sandbox.module('gomodules-off-env', { 'go.mod': GO_MOD });
    const ctx = await sandbox.context(dir, sandbox.env({ GO111MODULE: 'off' }));
    const f = await oneFinding(go111moduleCheck, ctx);
    assert.equal(f.status, 'fail');
    assert.match(f.fix?.[0] ?? '', /^unset GO111MODULE/);
    assert.equal(f.fix?.[1], 'go env -w GO111MODULE=on');
  });

  test('GO111MODULE=auto in GOPATH/src without a go.mod warns', async () => {
    const dir = join(sandbox.root, 'gopath', 'src', 'example.com', 'old');
    await mkdir(dir, { recursive: true });
    const ctx = await sandbox.context(dir, sandbox.env({ GO111MODULE: 'auto' }));
    const f = await oneFinding(go111moduleCheck, ctx);
    assert.equal(f.status, 'warn');
    assert.match(f.summary, /GOPATH mode/);
  });

  test('GOFLAGS=-mod=vendor without vendor/ fails; go list -m all fails before and works after the fix', async () => {
    const dir = await sandbox.module('vendor-missing', {
      'go.mod': 'module example.com/v\n\ngo 1.19\n',
    });
    const goenv = join(sandbox.root, 'goenv-vendor');
    await writeFile(goenv, 'GOFLAGS=-mod=vendor\n');
    const env = sandbox.env({ GOENV: goenv, GOPROXY: 'off' });
    const ctx = await sandbox.context(dir, env);
    const f = await oneFinding(goflagsCheck, ctx);
    assert.equal(f.status, 'fail');
    assert.match(f.summary, /-mod=vendor but .*vendor has no modules\.txt/);
    assert.deepEqual(f.fix, ['go env -u GOFLAGS', 'or keep -mod=vendor and run: go mod vendor']);

    const before = await sandbox.go(['list', '-m', 'all'], dir, env);
    assert.notEqual(before.code, 0);
    assert.match(before.stderr, /vendor/);
    await applyFix(f, env, dir);
    const afterFix = await sandbox.go(['list', '-m', 'all'], dir, env);
    assert.equal(afterFix.code, 0, afterFix.stderr);
  });

  test('GOFLAGS with a non-flag fails and -insecure warns', async () => {
    const dir = await sandbox.module('goflags-bad', {
      'go.mod': 'module example.com/f\n\ngo 1.19\n',
    });
    const bad = await oneFinding(
      goflagsCheck,
      await sandbox.context(dir, sandbox.env({ GOFLAGS: '-modcacherw mod=mod' })),
    );
    assert.equal(bad.status, 'fail');
    assert.match(bad.summary, /"mod=mod" is not a flag/);
    assert.equal(bad.fix?.at(-1), 'go env -w GOFLAGS=-modcacherw');
    const insecure = await oneFinding(
      goflagsCheck,
      await sandbox.context(dir, sandbox.env({ GOFLAGS: '-insecure' })),
    );
    assert.equal(insecure.status, 'warn');
    assert.match(insecure.summary, /-insecure is ignored since Go 1\.17/);
  });

  test('a read-only GOMODCACHE fails; go mod download fails there', async (t) => {
    const dir = await sandbox.module('ro-cache', { 'go.mod': GO_MOD });
    const cache = join(sandbox.root, 'ro-modcache');
    await mkdir(cache);
    await chmod(cache, 0o555);
    if (process.getuid?.() === 0) {
      try {
        execFileSync('chattr', ['+i', cache], { stdio: 'ignore' });
      } catch {
        t.skip('running as root without chattr: cannot make a directory read-only');
        return;
      }
    }
    const env = sandbox.env({ GOMODCACHE: cache, GOPROXY: proxy.url, GOSUMDB: 'off' });
    const ctx = await sandbox.context(dir, env);
    const f = await oneFinding(cacheDirsCheck, ctx, 'GOMODCACHE');
    assert.equal(f.status, 'fail');
    assert.match(f.summary, new RegExp(`^${cache} is not writable \\((EACCES|EPERM|EROFS)\\)`));
    assert.match(f.fix?.[0] ?? '', /^chmod -R u\+w /);
    const goRun = await sandbox.go(['mod', 'download'], dir, env);
    assert.notEqual(goRun.code, 0);
    assert.match(goRun.stderr, /permission denied|operation not permitted|read-only/i);
  });

  test('a module cache under the temporary directory warns', async () => {
    const dir = await sandbox.module('tmp-cache', { 'go.mod': GO_MOD });
    const ctx = await sandbox.context(
      dir,
      sandbox.env({ GOMODCACHE: join(sandbox.root, 'tmp', 'mod') }),
    );
    const f = await oneFinding(cacheDirsCheck, ctx, 'GOMODCACHE');
    assert.equal(f.status, 'warn');
    assert.match(f.summary, /under the temporary directory/);
  });

  test('GOPROXY: entries after off/direct, off alone, bad URLs, plain http to another host', async () => {
    const dir = await sandbox.module('goproxy', { 'go.mod': GO_MOD });
    const cases: [string, Finding['status'], RegExp, string | undefined][] = [
      [
        'https://proxy.corp.example,direct,https://proxy.golang.org',
        'warn',
        /entries after "direct" are never used: https:\/\/proxy\.golang\.org/,
        'go env -w GOPROXY=https://proxy.corp.example,direct',
      ],
      ['off', 'fail', /GOPROXY=off/, 'go env -w GOPROXY=https://proxy.golang.org,direct'],
      [
        'ftp://mirror.example',
        'fail',
        /not a usable GOPROXY list: invalid proxy URL scheme/,
        'go env -w GOPROXY=https://proxy.golang.org,direct',
      ],
      [
        'http://user:secret@proxy.corp.example',
        'warn',
        /http:\/\/xxxxx@proxy\.corp\.example is plain http/,
        undefined,
      ],
      [
        'https://a.example,,https://b.example',
        'warn',
        /empty entries/,
        'go env -w GOPROXY=https://a.example,https://b.example',
      ],
      ['http://127.0.0.1:3000|https://proxy.golang.org,direct', 'ok', /127\.0\.0\.1/, undefined],
    ];
    for (const [value, status, summary, fix] of cases) {
      const f = await oneFinding(
        goproxyCheck,
        await sandbox.context(dir, sandbox.env({ GOPROXY: value })),
      );
      assert.equal(f.status, status, value);
      assert.match(f.summary, summary, value);
      assert.equal(f.fix?.at(-1), fix, value);
      assert.ok(!JSON.stringify(f).includes('secret'), 'no password in the finding');
    }
  });

  test('GOSUMDB: off warns, an unknown name fails, a key without a URL warns', async () => {
    const sumdb = await TestSumdb.create();
    try {
      const dir = await sandbox.module('gosumdb', { 'go.mod': GO_MOD });
      const check = async (value: string): Promise<Finding> =>
        oneFinding(gosumdbCheck, await sandbox.context(dir, sandbox.env({ GOSUMDB: value })));
      const off = await check('off');
      assert.equal(off.status, 'warn');
      assert.deepEqual(off.fix, [
        'unset GOSUMDB   # and remove it from your shell profile / CI settings',
      ]);
      const unknown = await check('sum.corp.example');
      assert.equal(unknown.status, 'fail');
      assert.match(unknown.summary, /not a usable GOSUMDB/);
      const noUrl = await check(sumdb.verifierKey);
      assert.equal(noUrl.status, 'warn');
      assert.match(noUrl.summary, /without a URL/);
      const good = await check(`${sumdb.verifierKey} ${sumdb.url}`);
      assert.equal(good.status, 'ok');
    } finally {
      await sumdb.close();
    }
  });

  test('private patterns: a scheme fails; GONOSUMDB set explicitly drops GOPRIVATE patterns (warn)', async () => {
    const dir = await sandbox.module('patterns', { 'go.mod': GO_MOD });
    const scheme = await oneFinding(
      privatePatternsCheck,
      await sandbox.context(dir, sandbox.env({ GOPRIVATE: 'https://corp.example.com/' })),
      'GOPRIVATE',
    );
    assert.equal(scheme.status, 'fail');
    assert.match(scheme.summary, /has a scheme/);
    assert.equal(scheme.fix?.at(-1), 'go env -w GOPRIVATE=corp.example.com');
    const ctx = await sandbox.context(
      dir,
      sandbox.env({ GOPRIVATE: 'corp.example.com,git.example.org', GONOSUMDB: 'corp.example.com' }),
    );
    const over = await oneFinding(privatePatternsCheck, ctx, 'GONOSUMDB over GOPRIVATE');
    assert.equal(over.status, 'warn');
    assert.match(over.summary, /git\.example\.org is not in it/);
  });

  test("a go older than the module's three-part go line fails, and the go command agrees", async () => {
    const dir = await sandbox.module('new-go', { 'go.mod': 'module example.com/n\n\ngo 1.99.0\n' });
    const env = sandbox.env({ GOPROXY: 'off' });
    const f = await oneFinding(goVersionCheck, await sandbox.context(dir, env));
    assert.equal(f.status, 'fail');
    assert.match(f.summary, /is older than the module's go 1\.99\.0/);
    const goRun = await sandbox.go(['list', '-m'], dir, env);
    assert.notEqual(goRun.code, 0);
  });

  test('no go on PATH: go.version fails, the other go env checks skip', async () => {
    const dir = await sandbox.module('no-go', { 'go.mod': GO_MOD });
    const ctx = await sandbox.context(dir, sandbox.env({ PATH: join(sandbox.root, 'tmp') }));
    const f = await oneFinding(goVersionCheck, ctx);
    assert.equal(f.status, 'fail');
    assert.equal(f.summary, 'go was not found on PATH');
    assert.equal((await oneFinding(goproxyCheck, ctx)).status, 'skip');
  });

  test('GOWORK naming a missing file fails; a workspace is listed', async () => {
    const dir = await sandbox.module('ws', {
      'go.work': 'go 1.19\n\nuse (\n\t./a\n\t./b\n)\n',
      'a/go.mod': 'module example.com/a\n\ngo 1.19\n',
      'b/go.mod': 'module example.com/b\n\ngo 1.19\n',
    });
    const ws = await sandbox.context(join(dir, 'a'), sandbox.env());
    const ok = await oneFinding(goworkCheck, ws);
    assert.equal(ok.status, 'ok');
    assert.match(ok.summary, /\(2 modules\)/);
    assert.deepEqual(ws.module?.mainModules, ['example.com/a', 'example.com/b']);
    const missing = await sandbox.context(
      join(dir, 'a'),
      sandbox.env({ GOWORK: join(dir, 'nope.work') }),
    );
    const f = await oneFinding(goworkCheck, missing);
    if (missing.go === undefined) {
      assert.equal(f.status, 'skip');
    } else {
      assert.equal(f.status, 'fail');
      assert.match(f.fix?.[0] ?? '', /^unset GOWORK/);
    }
  });
});
