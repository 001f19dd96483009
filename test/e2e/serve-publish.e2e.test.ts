// Hosted modules (issue 14 item 6) end to end: `modgate publish` builds and uploads a module
// version; the real go command fetches it through modgate with the same h1: and verifies it
// through modgate's own checksum database; bad input is refused and changes nothing.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { GoSandbox } from '../support/go-sandbox.js';
import { listFiles } from '../support/list-files.js';
import { makeZip } from '../support/fixture-proxy.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'modgate.js');
const MOD = 'corp.example/hosted/lib';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/modgate.js …` to completion (killed after 60 s so a hang fails the test). */
function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const clean: NodeJS.ProcessEnv = { HOME: cwd };
    for (const [k, v] of Object.entries(process.env)) {
      if (!k.startsWith('MODGATE_') && k !== 'HOME' && k !== 'NETRC') clean[k] = v;
    }
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...clean, ...env } });
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
  });
}

describe('hosted modules: modgate publish and the real go command', () => {
  let modgate: ModgateInstance;
  let go: GoSandbox;
  let work: string;
  let src: string;
  let gosumdb = '';

  const put = (path: string, body: Buffer) =>
    fetch(`${modgate.url}/-/api/publish/${path}`, { method: 'PUT', body });
  const stored = async () =>
    (await listFiles(modgate.dataDir)).filter((f) => !f.startsWith('.') && !f.startsWith('index/'));

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'modgate-publish-'));
    src = join(work, 'lib');
    await mkdir(src);
    await writeFile(join(src, 'go.mod'), `module ${MOD}\n\ngo 1.19\n`);
    await writeFile(join(src, 'lib.go'), 'package lib\n\nconst V = "one"\n');
    go = await GoSandbox.create();
    modgate = await startModgate({
      upstream: 'off',
      private: 'corp.example/hosted',
      captureLog: true,
      settings: {
        'publish.enabled': 'true',
        'publish.modules': 'corp.example/hosted',
        'sumdb.server.enabled': 'true',
        'sumdb.server.name': 'sum.corp.example',
      },
    });
    gosumdb = /"gosumdb":"([^"]+)"/.exec(modgate.log())?.[1] ?? '';
    assert.notEqual(gosumdb, '');
  });
  after(async () => {
    await modgate.stop();
    await go.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  const client = (cwd: string) => ({
    proxy: modgate.url,
    cwd,
    env: { GOSUMDB: gosumdb, GONOSUMDB: '', GOPRIVATE: '', GOFLAGS: '-mod=mod -modcacherw' },
  });

  test('publish a directory; the go command fetches it with the same h1: and verifies it', async () => {
    const r = await cli(['publish', src, '--version', 'v1.0.0', '--server', modgate.url], work);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^published: corp.example\/hosted\/lib v1.0.0$/m);
    const h1 = / v1\.0\.0 (h1:\S+)$/m.exec(r.stdout)?.[1];
    const dir = await go.newModule('example.com/app');
    const dl = await go.run(['mod', 'download', '-json', `${MOD}@v1.0.0`], client(dir));
    assert.equal(dl.code, 0, dl.stderr);
    assert.equal((JSON.parse(dl.stdout) as { Sum: string }).Sum, h1);
    // go get verifies through modgate's own database (GOSUMDB) and writes go.sum.
    const get = await go.run(['get', `${MOD}@v1.0.0`], client(dir));
    assert.equal(get.code, 0, get.stderr);
    const lookup = await fetch(`${modgate.url}/sumdb/sum.corp.example/lookup/${MOD}@v1.0.0`);
    assert.equal(lookup.status, 200);
    assert.match(await lookup.text(), new RegExp(`${MOD} v1.0.0 ${h1!.replace(/[+/]/g, '\\$&')}`));
    // The publisher is recorded.
    const record = (await stored()).find((f) => f.startsWith('-/published/'));
    assert.equal(record, `-/published/${MOD}/@v/v1.0.0.json`);
  });

  test('a new version shows in @v/list and @latest at once; the same content again is idempotent', async () => {
    await writeFile(join(src, 'lib.go'), 'package lib\n\nconst V = "two"\n');
    const r = await cli(['publish', src, '--version', 'v1.1.0', '--server', modgate.url], work);
    assert.equal(r.code, 0, r.stderr);
    const dir = await go.newModule('example.com/app2');
    const list = await go.run(['list', '-m', '-versions', MOD], client(dir));
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout.trim(), `${MOD} v1.0.0 v1.1.0`);
    const again = await cli(['publish', src, '--version', 'v1.1.0', '--server', modgate.url], work);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already published \(same content\)/);
  });

  test('publish --ref builds the zip from a git ref, not the working tree', async () => {
    const git = (...args: string[]) => {
      const g = spawnSync('git', args, { cwd: src, encoding: 'utf8' });
      assert.equal(g.status, 0, g.stderr);
    };
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'v1.2.0');
    git('tag', 'v1.2.0');
    await writeFile(join(src, 'lib.go'), 'package lib\n\nconst V = "uncommitted"\n');
    const r = await cli(
      ['publish', src, '--ref', 'v1.2.0', '--version', 'v1.2.0', '--server', modgate.url],
      work,
    );
    assert.equal(r.code, 0, r.stderr);
    const dir = await go.newModule('example.com/app3');
    const get = await go.run(['get', `${MOD}@v1.2.0`], client(dir));
    assert.equal(get.code, 0, get.stderr);
    const dl = await go.run(['mod', 'download', '-json', `${MOD}@v1.2.0`], client(dir));
    assert.equal(dl.code, 0, dl.stderr);
    const text = await readFile(
      join((JSON.parse(dl.stdout) as { Dir: string }).Dir, 'lib.go'),
      'utf8',
    );
    assert.match(text, /const V = "two"/, 'the committed file, not the working tree');
  });

  test('bad input: each a clear error, nothing changed', async () => {
    const before = await stored();
    // Other content for a published version: 409.
    const conflict = await cli(
      ['publish', src, '--version', 'v1.0.0', '--server', modgate.url],
      work,
    );
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /409: .*already published with other content.*immutable/);
    // A bad version string.
    const badVersion = await cli(
      ['publish', src, '--version', '1.0', '--server', modgate.url],
      work,
    );
    assert.equal(badVersion.code, 1);
    assert.match(badVersion.stderr, /1\.0/);
    const server = async (path: string, body: Buffer, status: number, text: RegExp) => {
      const res = await put(path, body);
      assert.equal(res.status, status, path);
      assert.match(await res.text(), text);
    };
    await server(`${MOD}/@v/v2.0.0`, Buffer.from('PK not a zip'), 400, /not canonical/);
    await server(`${MOD}/@v/v1.9.0`, Buffer.from('PK not a zip'), 400, /invalid module zip/);
    const files = { 'go.mod': 'module corp.example/hosted/other\n', 'x.go': 'package x\n' };
    await server(
      `${MOD}/@v/v1.9.0`,
      await makeZip(MOD, 'v1.9.0', files),
      400,
      /go.mod declares module corp.example\/hosted\/other/,
    );
    // A zip made for another module path.
    await server(
      `${MOD}/@v/v1.9.0`,
      await makeZip('corp.example/hosted/other', 'v1.9.0', files),
      400,
      /invalid module zip/,
    );
    // Paths this modgate does not host.
    const ok = { 'go.mod': 'module example.com/public\n' };
    await server(
      'example.com/public/@v/v1.0.0',
      await makeZip('example.com/public', 'v1.0.0', ok),
      403,
      /not a module path this modgate hosts/,
    );
    await server(`${MOD}/@v/v1.0.0.zip`, Buffer.alloc(1), 400, /./);
    const get = await fetch(`${modgate.url}/-/api/publish/${MOD}/@v/v1.9.0`);
    assert.equal(get.status, 405);
    await get.arrayBuffer();
    await modgate.settle();
    assert.deepEqual(await stored(), before);
  });
});
