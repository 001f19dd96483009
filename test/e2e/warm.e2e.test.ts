// modgate warm end to end: the CLI fills a running modgate from go.mod/go.sum/go.work files,
// after which the real go command downloads everything with the upstream down.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { corpusModules, mainCases, workspaceCases } from '../mirror/go-mod-corpus.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'modgate.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/modgate.js …` to completion (killed after 60 s so a hang fails the test). */
function modgate(args: string[], cwd: string, stdin = ''): Promise<Result> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MODGATE_')) env[k] = v;
    const child = spawn(process.execPath, [bin, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

interface JsonReport {
  inputs: number;
  modules: number;
  set: string[];
  key: string;
  fetched: number;
  failed: number;
  failures: { file: string; reason: string }[];
}

describe('modgate warm', () => {
  const corpus = corpusModules();
  const cases = mainCases(6, corpus);
  let fixture: FixtureProxy;
  let server: ModgateInstance;
  let go: GoSandbox;
  let work: string;

  before(async () => {
    fixture = await FixtureProxy.create(corpus);
    server = await startModgate({ upstream: fixture.url });
    go = await GoSandbox.create();
    work = await mkdtemp(join(tmpdir(), 'modgate-warm-'));
    for (const c of cases) {
      const dir = join(work, 'repo', c.name);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'go.mod'), c.goMod);
      for (const [rel, text] of Object.entries(c.files)) {
        await mkdir(join(dir, rel, '..'), { recursive: true });
        await writeFile(join(dir, rel), text);
      }
    }
  });
  after(async () => {
    fixture.setDown(false);
    await server.stop();
    await fixture.close();
    await go.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  test('warming a directory of go.mod files lets go mod download work with the upstream down', async () => {
    const r = await modgate(['warm', 'repo', '--server', server.url, '--json'], work);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stderr, '', 'no progress line when stderr is not a terminal');
    const report = JSON.parse(r.stdout) as JsonReport;
    // The walk also finds the go.mod of each local replacement directory: modules too.
    const local = cases.reduce((n, c) => n + Object.keys(c.files).length, 0);
    assert.equal(report.inputs, cases.length + local);
    assert.equal(report.failed, 0);
    assert.ok(report.modules > 0 && report.fetched >= report.modules * 3);
    await server.settle();

    fixture.setDown(true);
    try {
      for (const c of cases) {
        await go.clearModCache();
        const res = await go.run(['mod', 'download'], {
          proxy: server.url,
          cwd: join(work, 'repo', c.name),
          env: { GOFLAGS: '-modcacherw -mod=mod' },
        });
        assert.equal(res.code, 0, `${c.goMod}\n${res.stderr}`);
      }
    } finally {
      fixture.setDown(false);
    }
  });

  test('warming a go.work lets go mod download work in the workspace with the upstream down', async () => {
    const ws = workspaceCases(1, corpus).find((c) => c.name === 'work-upgrade');
    assert.ok(ws);
    const dir = join(work, 'ws');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'go.work'), ws.goWork);
    for (const [sub, goMod] of Object.entries(ws.modules)) {
      await mkdir(join(dir, sub), { recursive: true });
      await writeFile(join(dir, sub, 'go.mod'), goMod);
    }
    const r = await modgate(['warm', 'ws/go.work', '--server', server.url], work);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /failed: 0/);
    await server.settle();
    fixture.setDown(true);
    try {
      await go.clearModCache();
      const res = await go.run(['mod', 'download'], { proxy: server.url, cwd: dir });
      assert.equal(res.code, 0, res.stderr);
    } finally {
      fixture.setDown(false);
    }
  });

  test('the progress line shows on a terminal', async () => {
    // script(1) runs modgate on a pseudo-terminal; its output is what the terminal showed.
    const cmd = [process.execPath, bin, 'warm', 'repo', '--server', server.url]
      .map((a) => `'${a}'`)
      .join(' ');
    const r = await new Promise<Result>((resolve, reject) => {
      const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: work });
      let stdout = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr: '' });
      });
    });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /\rmodgate warm: \d+\/\d+ files/);
    assert.match(r.stdout, /failed: 0/);
  });

  test('--key is stable, reads stdin, and changes with the dependency set', async () => {
    const [first] = cases;
    assert.ok(first);
    const a = await modgate(['warm', '--key', '--server', server.url, '-'], work, first.goMod);
    const b = await modgate(['warm', '--key', '--server', server.url, '-'], work, first.goMod);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^[0-9a-f]{64}\n$/);
    assert.equal(b.stdout, a.stdout);
    const other = 'module example.com/other\n\ngo 1.19\n\nrequire example.com/d3 v1.0.0\n';
    const c = await modgate(['warm', '--key', '--server', server.url, '-'], work, other);
    assert.equal(c.code, 0, c.stderr);
    assert.notEqual(c.stdout, a.stdout);
  });

  test('a go.sum is warmed line by line; a missing version fails with exit status 1 and a reason', async () => {
    const sum = [
      'example.com/d4 v1.1.0 h1:AAAA=',
      'example.com/d4 v1.1.0/go.mod h1:BBBB=',
      'example.com/d9 v9.9.9 h1:CCCC=',
    ].join('\n');
    await writeFile(join(work, 'go.sum'), sum + '\n');
    const r = await modgate(['warm', 'go.sum', '--server', server.url, '--concurrency', '2'], work);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /failed: \/example\.com\/d9\/@v\/v9\.9\.9\.(info|mod|zip): HTTP 404/);
    assert.doesNotMatch(r.stdout, /d4\/@v\/v1\.1\.0\.zip/);
    assert.match(r.stdout, /modules: 2/);
  });

  test('bad usage exits 2', async () => {
    const r = await modgate(['warm', 'repo'], work);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--server URL is required/);
  });
});
