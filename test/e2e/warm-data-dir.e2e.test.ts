// modgate warm --data-dir / --config end to end: the CLI fills a data directory through the
// configured upstream with serve's verify-before-store, after which the directory works as a
// GOPROXY tree as it is (GOPROXY=file://), a second warm finds everything present, and a zip
// that breaks the zip rules is refused and not stored.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { corpusModules, mainCases } from '../mirror/go-mod-corpus.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'modgate.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/modgate.js …` to completion (killed after 120 s so a hang fails the test). */
function modgate(args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MODGATE_')) env[k] = v;
    const child = spawn(process.execPath, [bin, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end();
  });
}

interface JsonReport {
  modules: number;
  fetched: number;
  present: number;
  failed: number;
  failures: { file: string; reason: string }[];
}

describe('modgate warm --data-dir', () => {
  const corpus = corpusModules();
  const cases = mainCases(4, corpus);
  let fixture: FixtureProxy;
  let go: GoSandbox;
  let work: string;
  let dataDir: string;
  let configFile: string;

  before(async () => {
    fixture = await FixtureProxy.create([
      ...corpus,
      { path: 'example.com/broken', version: 'v1.0.0' },
    ]);
    // A zip that is not one: the zip rules refuse it.
    fixture.overrides.set('example.com/broken/@v/v1.0.0.zip', {
      body: Buffer.from('this is not a zip file'),
    });
    go = await GoSandbox.create();
    work = await mkdtemp(join(tmpdir(), 'modgate-warm-dir-'));
    dataDir = join(work, 'data');
    configFile = join(work, 'modgate.yaml');
    // Tests have no route to sum.golang.org: checksum verification is opted out of.
    await writeFile(
      configFile,
      `upstream: ${fixture.url}\nsumdb:\n  verify: false\nlog:\n  level: error\n`,
    );
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
    await fixture.close();
    await go.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  test('fills the data directory, which then works as GOPROXY=file:// with the upstream down', async () => {
    const r = await modgate(
      ['warm', 'repo', '--data-dir', dataDir, '--config', configFile, '--json'],
      work,
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stderr, '');
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.equal(report.failed, 0);
    assert.ok(report.modules > 0 && report.fetched >= report.modules * 3);
    assert.ok(report.present < report.fetched); // (.info files prefetched with their .mod are hits)

    fixture.setDown(true);
    try {
      // Again, upstream down: everything is already present (before the go command,
      // whose -mod=mod rewrites the go.mod files and so the set).
      const again = await modgate(
        ['warm', 'repo', '--data-dir', dataDir, '--config', configFile, '--json'],
        work,
      );
      assert.equal(again.code, 0, again.stderr + again.stdout);
      const second = JSON.parse(again.stdout) as JsonReport;
      assert.equal(second.failed, 0);
      assert.equal(second.present, second.fetched);
      for (const c of cases) {
        await go.clearModCache();
        const res = await go.run(['mod', 'download'], {
          proxy: pathToFileURL(dataDir).href,
          cwd: join(work, 'repo', c.name),
          env: { GOFLAGS: '-modcacherw -mod=mod' },
        });
        assert.equal(res.code, 0, `${c.goMod}\n${res.stderr}`);
      }
    } finally {
      fixture.setDown(false);
    }
  });

  test('a zip the zip rules refuse fails the warm and is not stored', async () => {
    await writeFile(
      join(work, 'go.sum'),
      'example.com/broken v1.0.0 h1:AAAA=\nexample.com/broken v1.0.0/go.mod h1:BBBB=\n',
    );
    const r = await modgate(
      ['warm', 'go.sum', '--data-dir', dataDir, '--upstream', fixture.url, '--config', configFile],
      work,
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /failed: \/example\.com\/broken\/@v\/v1\.0\.0\.zip: HTTP \d+/);
    await assert.rejects(stat(join(dataDir, 'example.com/broken/@v/v1.0.0.zip')));
    assert.ok(await stat(join(dataDir, 'example.com/broken/@v/v1.0.0.mod')));
  });

  test('--server with --data-dir is bad usage', async () => {
    const r = await modgate(['warm', 'repo', '--server', 'http://x', '--data-dir', dataDir], work);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not both/);
  });
});
