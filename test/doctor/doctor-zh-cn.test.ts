import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { goEnvChecks } from '../../src/doctor/checks/go-env-checks.js';
import type { DoctorJson } from '../../src/doctor/format-report.js';
import { formatReport } from '../../src/doctor/format-report.js';
import { doctorMessages } from '../../src/doctor/doctor-messages.js';
import type { Finding } from '../../src/doctor/finding.js';
import { gatherContext } from '../../src/doctor/gather-context.js';
import { runBounded } from '../../src/doctor/run-bounded.js';
import { runDoctor } from '../../src/doctor/run-doctor.js';
import { classifyGitError } from '../../src/doctor/checks/credentials/classify-git-error.js';
import { dnsCheck } from '../../src/doctor/checks/network/dns-check.js';
import { tcpCheck } from '../../src/doctor/checks/network/tcp-check.js';
import en from '../../src/doctor/messages/en.js';
import zhCN from '../../src/doctor/messages/zh-CN.js';
import { refusedPort } from '../support/net.js';
import { DoctorSandbox } from './doctor-sandbox.js';
import { networkContext, oneFinding as oneNetworkFinding } from './network-support.js';

// `modgate doctor` in Simplified Chinese (issue 15 item 3): real findings of a broken machine
// (the real go command reads the sandbox's settings) worded from the zh-CN catalog, the
// report's frame in Chinese, the commands of the fixes unchanged; the language chosen by
// --lang or LC_ALL / LC_MESSAGES / LANG; --json stays English whatever the language.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'modgate.js');
const GO_MOD = 'module example.com/app\n\ngo 1.19\n';

let sandbox: DoctorSandbox;
let dir: string;

before(async () => {
  sandbox = await DoctorSandbox.create();
  dir = await sandbox.module('app', { 'go.mod': GO_MOD });
});
after(async () => {
  await sandbox.cleanup();
});

/** A machine with three classic mistakes: modules off, a public proxy list cut short, a URL as a private pattern. */
function brokenEnv(extra: Record<string, string | undefined> = {}) {
  return sandbox.env({
    GO111MODULE: 'off',
    GOPROXY: 'off',
    GOPRIVATE: 'https://git.corp.example.com',
    ...extra,
  });
}

async function findings(locale: 'en' | 'zh-CN'): Promise<Finding[]> {
  const ctx = await gatherContext({
    dir,
    env: brokenEnv(),
    offline: true,
    probeTimeoutMs: 20_000,
    signal: AbortSignal.timeout(60_000),
    locale,
  });
  return (await runDoctor(ctx, goEnvChecks)).findings;
}

describe('modgate doctor in Chinese', () => {
  test('real findings are worded in Chinese, with the fixes’ commands as they are', async () => {
    const zh = await findings('zh-CN');
    const en = await findings('en');
    const by = (list: Finding[], check: string, subject?: string) =>
      list.find((f) => f.check === check && (subject === undefined || f.subject === subject));
    const off = by(zh, 'go.go111module');
    assert.equal(off?.status, 'fail');
    assert.equal(off?.summary, 'GO111MODULE=off：模块模式已关闭');
    assert.match(off?.why ?? '', /modules disabled by GO111MODULE=off/);
    // The environment sets it: unset first, with the comment in Chinese; the command itself is the same.
    assert.deepEqual(off?.fix, [
      'unset GO111MODULE   # 并从 shell 配置文件 / CI 配置中删除',
      'go env -w GO111MODULE=on',
    ]);
    assert.deepEqual(by(en, 'go.go111module')?.fix, [
      'unset GO111MODULE   # and remove it from your shell profile / CI settings',
      'go env -w GO111MODULE=on',
    ]);
    assert.deepEqual(off?.goEnvChanges, by(en, 'go.go111module')?.goEnvChanges);
    assert.equal(by(zh, 'go.goproxy')?.summary, 'GOPROXY=off：模块缓存中没有的模块都无法下载');
    const priv = by(zh, 'go.private-patterns', 'GOPRIVATE');
    assert.equal(priv?.status, 'fail');
    assert.equal(
      priv?.summary,
      '"https://git.corp.example.com"："https://git.corp.example.com" 带有协议前缀（规则写的是模块路径，不是 URL）',
    );
    assert.deepEqual(priv?.fix?.slice(-1), ['go env -w GOPRIVATE=git.corp.example.com']);
    // Same findings, same order, same statuses in both languages; only the words differ.
    assert.deepEqual(
      zh.map((f) => [f.check, f.subject, f.status]),
      en.map((f) => [f.check, f.subject, f.status]),
    );
    const text = formatReport(
      zh,
      { ok: 0, warn: 0, fail: 3, skip: 1, exitStatus: 1 },
      { colour: false, t: doctorMessages('zh-CN') },
    );
    assert.match(text, /^Go 环境\n/);
    assert.match(text, /\n {2}✗ GO111MODULE: GO111MODULE=off：模块模式已关闭\n {6}原因：/);
    assert.match(text, /\n {6}修复：go env -w GO111MODULE=on\n/);
    assert.match(text, /\n3 个问题，0 个警告，0 项正常，1 项跳过\n$/);
  });

  function doctor(args: string[], env: Record<string, string | undefined>) {
    return runBounded(process.execPath, [bin, 'doctor', dir, '--offline', ...args], {
      env,
      cwd: dir,
      timeoutMs: 60_000,
    });
  }

  test('LANG=zh_CN.UTF-8 or --lang zh-CN gives the Chinese report; LC_ALL=C and --lang en English', async () => {
    const byLang = await doctor([], brokenEnv({ LANG: 'zh_CN.UTF-8' }));
    assert.equal(byLang.code, 1, byLang.stderr);
    assert.match(byLang.stdout, /^modgate doctor .* — .*（go1\.\d+/);
    assert.match(byLang.stdout, /\nGo 环境\n/);
    assert.match(byLang.stdout, /GO111MODULE=off：模块模式已关闭/);
    assert.match(byLang.stdout, /\n\d+ 个问题，\d+ 个警告，\d+ 项正常，\d+ 项跳过\n$/);
    // Every network check is skipped by --offline, in Chinese too.
    assert.match(byLang.stdout, /network\.dns: 已跳过：使用了 --offline/);
    const byFlag = await doctor(['--lang', 'zh-CN'], brokenEnv());
    assert.equal(byFlag.stdout, byLang.stdout);
    for (const english of [
      await doctor([], brokenEnv({ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' })),
      await doctor(['--lang', 'en'], brokenEnv({ LANG: 'zh_CN.UTF-8' })),
    ]) {
      assert.match(english.stdout, /\nGo environment\n/);
      assert.match(english.stdout, /GO111MODULE=off: modules are disabled/);
    }
  });

  test('--json is English whatever the language', async () => {
    const r = await doctor(['--json', '--lang', 'zh-CN'], brokenEnv({ LANG: 'zh_CN.UTF-8' }));
    const doc = JSON.parse(r.stdout) as DoctorJson;
    const off = doc.findings.find((f) => f.check === 'go.go111module');
    assert.equal(off?.summary, 'GO111MODULE=off: modules are disabled');
    assert.ok(!/[\u4e00-\u9fff]/.test(r.stdout), 'no Chinese in the JSON');
  });

  test('a --lang doctor does not speak is a clear error, exit status 2', async () => {
    const r = await doctor(['--lang', 'fr'], brokenEnv());
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /--lang must be en or zh-CN, not "fr"/);
  });
});

describe('the network and credentials layers in Chinese', () => {
  test('DNS and TCP findings of real probes on 127.0.0.1', async () => {
    const dns = await oneNetworkFinding(
      dnsCheck,
      networkContext({ goproxy: 'http://localhost:9/,off', locale: 'zh-CN' }),
      'localhost',
    );
    assert.equal(dns.status, 'ok');
    assert.match(dns.summary, /^localhost 解析为 (127\.0\.0\.1|::1)(, [\d.:a-f]+)*（\d+ ms）$/);
    assert.ok(
      dns.details?.includes('用于：http://localhost:9/（GOPROXY 第 1 项）'),
      dns.details?.join('\n'),
    );
    const port = await refusedPort();
    const tcp = await oneNetworkFinding(
      tcpCheck,
      networkContext({ goproxy: `http://127.0.0.1:${port},off`, locale: 'zh-CN' }),
      `http://127.0.0.1:${port}`,
    );
    assert.equal(tcp.status, 'fail');
    assert.equal(
      tcp.summary,
      `连接 127.0.0.1:${port} 被拒绝：那里没有服务在监听（端口不对，或服务没有运行）`,
    );
    assert.ok(tcp.fix?.includes('go env -w GOPROXY=<可访问的代理>,direct   # 例如公司的 modgate'));
  });

  test('git’s error texts read into Chinese, the commands of the fixes unchanged', () => {
    const failure = classifyGitError(
      'git@git.corp.example.com: Permission denied (publickey).\nfatal: Could not read from remote repository.',
      'ssh://git@git.corp.example.com/team/lib.git',
      false,
      undefined,
      doctorMessages('zh-CN'),
    );
    assert.equal(failure.kind, 'publickey');
    assert.equal(
      failure.summary,
      'git.corp.example.com 拒绝了提供的所有 SSH 密钥（Permission denied (publickey)）',
    );
    assert.deepEqual(failure.fix, [
      'ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519   # 如果还没有密钥',
      'ssh-add ~/.ssh/id_ed25519',
      '# 然后把 ~/.ssh/id_ed25519.pub 添加到你在 git.corp.example.com 上的账号',
    ]);
  });

  test('every message is translated: no Chinese text equals its English one but those without words', () => {
    const wordless = new Set(['report.heading', 'credentials.git-rewrites.rewritten']);
    const same = Object.keys(en).filter(
      (k) =>
        (zhCN as Record<string, string>)[k] === (en as Record<string, string>)[k] &&
        !wordless.has(k),
    );
    assert.deepEqual(same, []);
  });
});
