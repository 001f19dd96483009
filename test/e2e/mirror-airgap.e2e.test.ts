import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { generateKey, newSigner, sign } from '../../src/sumdb/note/index.js';
import { formatTree, parseTree } from '../../src/sumdb/tlog/index.js';
import { type FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { listFiles } from '../support/list-files.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { BundleEnv, flipByte, readTar, tamper } from '../mirror/bundle-env.js';

// The air-gap procedure end to end (docs/mirror.md): an online modgate, fed by a fixture
// upstream and verified against a test checksum database, is exported with `modgate mirror
// export` for a go.mod's dependencies; an offline modgate — `upstream: off`, `sumdb.offline`,
// no route to the database — imports the bundle; the real go command, with GOSUMDB set to the
// database's key (verification on), an empty module cache and no go.sum, builds the program
// through it. Bundles with a flipped zip byte, a changed record or a forged tree head are
// refused and leave nothing behind.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'modgate.js');

const modules: FixtureModule[] = [
  {
    path: 'example.com/dep',
    version: 'v1.1.0',
    files: {
      'go.mod': 'module example.com/dep\n\ngo 1.19\n',
      'dep.go': 'package dep\n\nfunc Word() string { return "air-gapped" }\n',
    },
  },
  {
    path: 'example.com/greet',
    version: 'v1.0.0',
    files: {
      'go.mod': 'module example.com/greet\n\ngo 1.19\n\nrequire example.com/dep v1.1.0\n',
      'greet.go':
        'package greet\n\nimport "example.com/dep"\n\nfunc Hello() string { return "hello, " + dep.Word() }\n',
    },
  },
  // Upstream and in the database, but not needed: never exported.
  { path: 'example.com/unused', version: 'v1.0.0', files: { 'u.go': 'package unused\n' } },
];

const APP_GO_MOD =
  'module example.com/app\n\ngo 1.19\n\nrequire (\n\texample.com/greet v1.0.0\n\texample.com/dep v1.1.0 // indirect\n)\n';
const APP_MAIN =
  'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/greet"\n)\n\nfunc main() { fmt.Println(greet.Hello()) }\n';

/**
 * `modgate …` as an operator runs it, in a child process (asynchronously: the modgate servers
 * of the test run in this process); no MODGATE_* from the test's environment.
 */
function modgate(
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MODGATE_')) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('air-gapped site: mirror export, import, offline checksum verification', () => {
  let env: BundleEnv;
  let online: ModgateInstance;
  let go: GoSandbox;
  let appDir: string;
  let bundle: string;
  const dirs: string[] = [];
  /** The database as the offline site configures it: its key, and an address with nothing. */
  let offlineSumdb: string;

  const tempDir = async (name: string) => {
    const d = await mkdtemp(join(tmpdir(), `modgate-airgap-${name}-`));
    dirs.push(d);
    return d;
  };

  before(async () => {
    env = await BundleEnv.create(modules, 300);
    online = await startModgate({
      upstream: env.fixture.url,
      settings: {
        'sumdb.databases': `${env.db.verifierKey} ${env.db.url}`,
        'sumdb.verify': 'true',
      },
    });
    go = await GoSandbox.create();
    appDir = await go.newModule('example.com/app', APP_GO_MOD);
    await writeFile(join(appDir, 'main.go'), APP_MAIN);
    bundle = join(await tempDir('bundle'), 'deps.bundle');
    offlineSumdb = `${env.db.verifierKey} http://127.0.0.1:9`;
  });
  after(async () => {
    await online?.stop();
    await env?.close();
    await go?.cleanup();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test('export: the go.mod dependencies with records, head and tiles', async () => {
    const r = await modgate([
      'mirror',
      'export',
      join(appDir, 'go.mod'),
      '--server',
      online.url,
      '--sumdb',
      env.db.verifierKey,
      '-o',
      bundle,
      '--json',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { modules: number; zips: number; treeSize: number };
    assert.equal(report.zips, 2, r.stdout);
    assert.equal(report.treeSize, env.db.size);
  });

  test('export from the online data directory gives the same set', async () => {
    const fromStorage = join(await tempDir('from-storage'), 'deps.bundle');
    const r = await modgate([
      'mirror',
      'export',
      join(appDir, 'go.mod'),
      '--data-dir',
      online.dataDir,
      '--upstream',
      env.fixture.url,
      '--sumdb',
      `${env.db.verifierKey} ${env.db.url}`,
      '-o',
      fromStorage,
      '--json',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const names = async (file: string) => (await readTar(file)).slice(1).map((e) => e.name);
    assert.deepEqual(await names(fromStorage), await names(bundle));
  });

  test('the offline modgate imports it, and the go command builds with GOSUMDB on', async () => {
    const dataDir = await tempDir('offline');
    const before = env.db.requests.length;
    const r = await modgate([
      'mirror',
      'import',
      bundle,
      '--data-dir',
      dataDir,
      '--sumdb',
      offlineSumdb,
      '--json',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { nothingChanged: boolean; head: { after: number } };
    assert.equal(report.nothingChanged, false);
    assert.equal(report.head.after, env.db.size);

    const again = await modgate([
      'mirror',
      'import',
      bundle,
      '--data-dir',
      dataDir,
      '--sumdb',
      offlineSumdb,
    ]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /nothing changed/);

    const offline = await startModgate({
      upstream: 'off',
      dataDir,
      settings: {
        'sumdb.databases': offlineSumdb,
        'sumdb.offline': 'true',
        'sumdb.verify': 'true',
      },
    });
    try {
      const goEnv = {
        GOSUMDB: env.db.verifierKey,
        GONOSUMDB: '',
        GOPRIVATE: '',
        GONOPROXY: '',
        GOFLAGS: '-mod=mod -modcacherw',
      };
      const build = await go.run(['build', '-o', 'app', '.'], {
        proxy: offline.url,
        cwd: appDir,
        env: goEnv,
      });
      assert.equal(build.code, 0, build.stderr);
      const run = spawnSync(join(appDir, 'app'), { encoding: 'utf8' });
      assert.equal(run.stdout.trim(), 'hello, air-gapped');
      // Verification was on: go.sum holds the database's lines, checked through the tiles.
      const goSum = await readFile(join(appDir, 'go.sum'), 'utf8');
      assert.match(goSum, /^example\.com\/greet v1\.0\.0 h1:/m);
      assert.match(goSum, /^example\.com\/dep v1\.1\.0\/go\.mod h1:/m);
      // A module the site lacks: a clear 404 from the offline database, and go refuses it.
      const lookup = await fetch(
        `${offline.url}/sumdb/${env.db.name}/lookup/example.com/unused@v1.0.0`,
      );
      assert.equal(lookup.status, 404);
      assert.match(await lookup.text(), /offline/);
      // The offline side never reached the database.
      assert.equal(env.db.requests.length, before);
    } finally {
      await offline.stop();
    }
  });

  for (const [what, entry, change, check] of [
    [
      'one flipped byte in a zip',
      'example.com/greet/@v/v1.0.0.zip',
      (d: Buffer) => flipByte(d),
      /sha256 check failed/,
    ],
    [
      'one record changed',
      `sumdb/sumdb.modgate.test/lookup/example.com/dep@v1.1.0`,
      (d: Buffer) =>
        Buffer.from(
          d
            .toString('utf8')
            .replace(
              /(dep v1\.1\.0 h1:)(.)/,
              (_, a: string, c: string) => a + (c === 'A' ? 'B' : 'A'),
            ),
        ),
      /record of example\.com\/dep@v1\.1\.0: record check failed/,
    ],
    [
      'a forged tree head',
      'sumdb/sumdb.modgate.test/latest',
      (d: Buffer) => {
        const forger = newSigner(generateKey('sumdb.modgate.test').signer);
        const t = parseTree(d);
        return Buffer.from(sign({ text: formatTree({ n: t.n + 5, hash: t.hash }) }, [forger]));
      },
      /latest: signature check failed/,
    ],
  ] as const) {
    test(`a bundle with ${what} is refused and nothing from it is stored`, async () => {
      const dataDir = await tempDir('refused');
      const bad = await tamper(
        bundle,
        join(await tempDir('bad'), 'bad.bundle'),
        entry,
        change,
        what !== 'one flipped byte in a zip',
      );
      const r = await modgate([
        'mirror',
        'import',
        bad,
        '--data-dir',
        dataDir,
        '--sumdb',
        offlineSumdb,
      ]);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /refused/);
      assert.match(r.stderr, check);
      assert.deepEqual(await listFiles(dataDir), []);
    });
  }
});
