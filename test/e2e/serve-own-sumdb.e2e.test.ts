import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../../src/app/build-app.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log/index.js';
import { DiskStorage } from '../../src/storage/index.js';
import { openOwnSumdb } from '../../src/sumdb/server/index.js';
import { parseRecord, parseTree } from '../../src/sumdb/tlog/index.js';
import { hashGoMod } from '../../src/zip/index.js';
import { hashZipFile } from '../../src/zip/files/index.js';
import { FixtureProxy, escapePath, makeZip, type FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { listFiles } from '../support/list-files.js';
import { rawRequest } from '../support/raw-request.js';
import { TestSumdb, type TestSumdbRecord } from '../support/test-sumdb.js';
import { GitFixture } from '../upstream/direct/git/git-fixture.js';
import { fakeH1 } from '../sumdb/server/server-env.js';

// modgate as the team's only checksum database: the real go command, with GOSUMDB set to
// modgate's own database and no GONOSUMDB/GOPRIVATE, verifies a public module (which modgate
// checked against the upstream database — a test database standing in for sum.golang.org)
// and a private one fetched from git. A private tag moved afterwards changes nothing for
// clients; a replica that lost the stored copy refuses the moved content.

const NAME = 'sumdb.corp.example';
/** Records logged before the test's modules. */
const FILLER = 300;
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'modgate.js');

const publicModules: FixtureModule[] = [
  { path: 'example.com/hello', version: 'v1.0.0', files: { 'hello.go': 'package hello\n' } },
  { path: 'example.com/tampered', version: 'v1.0.0', files: { 'a.go': 'package a\n' } },
];

async function recordOf(fixture: FixtureProxy, m: FixtureModule): Promise<TestSumdbRecord> {
  const dir = join(fixture.root, escapePath(m.path), '@v');
  return {
    path: m.path,
    version: m.version,
    zipHash: await hashZipFile(join(dir, `${m.version}.zip`)),
    modHash: hashGoMod(await readFile(join(dir, `${m.version}.mod`))),
  };
}

interface Instance {
  url: string;
  gosumdb: string;
  logs: string[];
  stop(): Promise<void>;
}

/** modgate on `dataDir` through the real config loader and composition root. */
async function startOn(dataDir: string, settings: Record<string, unknown>): Promise<Instance> {
  const config = loadConfig({
    flags: {
      listen: '127.0.0.1:0',
      data_dir: dataDir,
      'cache.not_found_ttl': '0s',
      'server.shutdown_grace': '5s',
      'log.level': 'info',
      'log.format': 'json',
      'log.access_log': 'false',
      'sumdb.server.enabled': 'true',
      'sumdb.server.name': NAME,
      ...settings,
    },
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      if (process.env.MODGATE_TEST_LOG === '1') process.stderr.write(chunk);
      done();
    },
  });
  const app = await buildApp(config, createLogger(config.log, sink));
  const { url } = await app.start();
  // The GOSUMDB value as an operator gets it: `modgate sumdb key` on the same storage.
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MODGATE_')) clean[k] = v;
  const cli = spawnSync(process.execPath, [bin, 'sumdb', 'key', '--data-dir', dataDir], {
    env: { ...clean, MODGATE_SUMDB_SERVER_NAME: NAME, MODGATE_SUMDB_SERVER_URL: url },
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(cli.status, 0, cli.stderr);
  return { url, gosumdb: cli.stdout.trim(), logs, stop: () => app.stop() };
}

async function treeSize(m: Instance): Promise<number> {
  const res = await rawRequest(m.url, `/sumdb/${NAME}/latest`);
  assert.equal(res.status, 200);
  return parseTree(res.body).n;
}

describe("modgate's own checksum database with the real go command", () => {
  let fixture: FixtureProxy;
  let db: TestSumdb;
  let git: GitFixture;
  let repo: string;
  let gitPort: number;
  let go: GoSandbox;
  let dataDir: string;
  let modgate: Instance;
  let settings: Record<string, unknown>;
  let greeterSums: string[] = [];
  const dirs: string[] = [];

  /** The client: only modgate, its database as GOSUMDB, nothing private-listed. */
  const client = (cwd: string, m: Instance = modgate) => ({
    proxy: m.url,
    cwd,
    env: {
      GOSUMDB: m.gosumdb,
      GONOSUMDB: '',
      GOPRIVATE: '',
      GONOPROXY: '',
      GOFLAGS: '-mod=mod -modcacherw',
    },
  });

  before(async () => {
    fixture = await FixtureProxy.create(publicModules);
    db = await TestSumdb.create({
      records: await Promise.all(publicModules.map((m) => recordOf(fixture, m))),
    });
    // After the public database recorded it, the upstream serves other bytes for this one.
    await fixture.writeRaw(
      'example.com/tampered/@v/v1.0.0.zip',
      await makeZip('example.com/tampered', 'v1.0.0', {
        'a.go': 'package a\n\nfunc init() { /* not what was reviewed */ }\n',
      }),
    );
    git = await GitFixture.create();
    repo = await git.newRepo('greeter');
    await git.commit(
      repo,
      {
        'go.mod': 'module git.corp.example/greeter\n\ngo 1.16\n',
        'greeter.go': 'package greeter\n\nfunc Hello() string { return "hello from v1.0.0" }\n',
      },
      'v1',
      '2024-03-01T10:00:00Z',
    );
    await git.git(repo, ['tag', 'v1.0.0']);
    const other = await git.newRepo('other');
    await git.commit(
      other,
      { 'go.mod': 'module git.corp.example/other\n\ngo 1.16\n', 'o.go': 'package other\n' },
      'v1',
      '2024-03-01T10:00:00Z',
    );
    await git.git(other, ['tag', 'v1.0.0']);
    gitPort = await git.startDaemon();
    settings = {
      upstream: fixture.url,
      private: 'git.corp.example',
      'sumdb.databases': `${db.verifierKey} ${db.url}`,
      'sumdb.verify': 'true',
      'direct.rewrites': `git.corp.example/*=git://127.0.0.1:${gitPort}/*`,
      'direct.insecure': 'git.corp.example',
    };
    dataDir = await mkdtemp(join(tmpdir(), 'modgate-own-sumdb-'));
    dirs.push(dataDir);
    // A log that already spans a full tile, so that the go command's checks go through full
    // and partial tiles on two levels, and through consistency proofs as the tree grows.
    const storage = await DiskStorage.open(dataDir);
    const { log } = await openOwnSumdb(storage, NAME);
    await Promise.all(
      Array.from({ length: FILLER }, (_, i) => {
        const p = `example.com/filler${i}`;
        const text = `${p} v1.0.0 ${fakeH1(`zip ${i}`)}\n${p} v1.0.0/go.mod ${fakeH1(`mod ${i}`)}\n`;
        return log.append(p, 'v1.0.0', Buffer.from(text));
      }),
    );
    await storage.close();
    modgate = await startOn(dataDir, settings);
    go = await GoSandbox.create();
  });
  after(async () => {
    await modgate.stop();
    await db.close();
    await fixture.close();
    await git.close();
    await go.cleanup();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test('serve logs the GOSUMDB value that `modgate sumdb key` prints', () => {
    assert.match(
      modgate.gosumdb,
      new RegExp(
        `^${NAME.replace(/\./g, '\\.')}\\+[0-9a-f]{8}\\+\\S+ ${modgate.url}/sumdb/${NAME}$`,
      ),
    );
    assert.ok(
      modgate.logs.some((l) => l.includes(`"gosumdb":"${modgate.gosumdb}"`)),
      modgate.logs.join(''),
    );
    assert.ok(!modgate.logs.join('').includes('PRIVATE+KEY'));
  });

  test('go mod download verifies a public and a private module against modgate’s database', async () => {
    const dir = await go.newModule(
      'example.com/app',
      'module example.com/app\n\ngo 1.19\n\nrequire (\n\texample.com/hello v1.0.0\n\tgit.corp.example/greeter v1.0.0\n)\n',
    );
    const r = await go.run(
      ['mod', 'download', 'example.com/hello', 'git.corp.example/greeter'],
      client(dir),
    );
    assert.equal(r.code, 0, r.stderr);
    const sums = await readFile(join(dir, 'go.sum'), 'utf8');

    // Public: anchored — the h1 lines are the upstream database's.
    const hello = await recordOf(fixture, publicModules[0]!);
    assert.ok(sums.includes(`example.com/hello v1.0.0 ${hello.zipHash}\n`), sums);
    assert.ok(sums.includes(`example.com/hello v1.0.0/go.mod ${hello.modHash}\n`), sums);
    assert.equal(db.requestsFor('/lookup/example.com/hello@v1.0.0').length, 1);
    assert.deepEqual(db.requestsFor('greeter'), [], 'private paths never reach the public db');
    assert.ok(db.requests.every((q) => q.userAgent.startsWith('modgate/')));

    // Private: in go.sum, and the go command checked both against modgate's database (it
    // caches only lookups it has verified).
    greeterSums = sums.split('\n').filter((l) => l.startsWith('git.corp.example/greeter '));
    assert.equal(greeterSums.length, 2, sums);
    assert.match(greeterSums[0]!, /^git\.corp\.example\/greeter v1\.0\.0 h1:/);
    const cache = join(go.modCache, 'cache/download/sumdb', NAME, 'lookup');
    for (const mod of ['example.com/hello@v1.0.0', 'git.corp.example/greeter@v1.0.0']) {
      const lookup = await readFile(join(cache, mod), 'utf8');
      const lines = parseRecord(Buffer.from(lookup)).text.toString().trim().split('\n');
      if (mod.startsWith('git.')) assert.deepEqual(lines, greeterSums);
      else
        assert.deepEqual(lines, [
          `example.com/hello v1.0.0 ${hello.zipHash}`,
          `example.com/hello v1.0.0/go.mod ${hello.modHash}`,
        ]);
    }
    assert.equal(await treeSize(modgate), FILLER + 2);
  });

  test('GOSUMDB=<key> alone works too: the go command finds the database through GOPROXY', async () => {
    await go.clearModCache();
    const dir = await go.newModule(
      'example.com/keyonly',
      'module example.com/keyonly\n\ngo 1.19\n\nrequire git.corp.example/greeter v1.0.0\n',
    );
    const opts = client(dir);
    const r = await go.run(['mod', 'download', 'git.corp.example/greeter'], {
      ...opts,
      env: { ...opts.env, GOSUMDB: modgate.gosumdb.split(' ')[0]! },
    });
    assert.equal(r.code, 0, r.stderr);
    const sums = await readFile(join(dir, 'go.sum'), 'utf8');
    for (const line of greeterSums) assert.ok(sums.includes(line + '\n'), sums);
    const lookup = join(go.modCache, 'cache/download/sumdb', NAME, 'lookup');
    assert.ok(await stat(join(lookup, 'git.corp.example/greeter@v1.0.0')));
  });

  test('a public version the upstream database contradicts is not logged: the client fails', async () => {
    const dir = await go.newModule(
      'example.com/usetampered',
      'module example.com/usetampered\n\ngo 1.19\n\nrequire example.com/tampered v1.0.0\n',
    );
    const r = await go.run(['mod', 'download', 'example.com/tampered'], client(dir));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /example\.com\/tampered@v1\.0\.0: verifying/);
    const lookup = await rawRequest(
      modgate.url,
      `/sumdb/${NAME}/lookup/example.com/tampered@v1.0.0`,
    );
    assert.equal(lookup.status, 502);
    assert.match(lookup.body.toString(), /checksum mismatch for example\.com\/tampered@v1\.0\.0/);
    assert.equal(await treeSize(modgate), FILLER + 2);
  });

  test('bad input at the endpoints: 4xx, unknown versions 404, nothing appended', async () => {
    const before = await rawRequest(modgate.url, `/sumdb/${NAME}/latest`);
    const cases: [string, number][] = [
      [`/sumdb/${NAME}/supported`, 200],
      [`/sumdb/${NAME}/lookup/example.com/hello`, 400],
      [`/sumdb/${NAME}/lookup/example.com/hello@v1.0`, 400],
      [`/sumdb/${NAME}/lookup/example.com/hello@latest`, 400],
      [`/sumdb/${NAME}/lookup/example.com/Hello@v1.0.0`, 400],
      [`/sumdb/${NAME}/lookup/example.com/hello/v2@v1.0.0`, 400],
      [`/sumdb/${NAME}/lookup/..%2f..%2fetc@v1.0.0`, 400],
      [`/sumdb/${NAME}/lookup/example.com/hello@v9.9.9`, 400],
      [`/sumdb/${NAME}/lookup/example.com/hello@v1.9.9`, 404],
      [`/sumdb/${NAME}/lookup/example.com/nothing@v1.0.0`, 404],
      [`/sumdb/${NAME}/lookup/git.corp.example/greeter@v1.7.0`, 404],
      [`/sumdb/${NAME}/lookup/git.corp.example/greeter@v7.0.0`, 400],
      [`/sumdb/${NAME}/tile/8/0/001`, 404],
      [`/sumdb/${NAME}/tile/8/0/000.p/3`, 404],
      [`/sumdb/${NAME}/tile/8/0/000.p/0`, 400],
      [`/sumdb/${NAME}/tile/8/0/00`, 400],
      [`/sumdb/${NAME}/tile/8/data/000`, 200],
      [`/sumdb/${NAME}/tile/8/data/000.p/2`, 404],
      [`/sumdb/${NAME}/tile/8/data/001.p/2`, 200],
      [`/sumdb/${NAME}/signer-key`, 404],
      [`/sumdb/${NAME}/../sumdb-server/${NAME}/signer-key`, 404],
      [`/sumdb-server/${NAME}/signer-key`, 404],
    ];
    for (const [path, want] of cases) {
      const res = await rawRequest(modgate.url, path);
      assert.equal(res.status, want, `${path}: ${res.body.toString()}`);
      assert.ok(!res.body.toString().includes('PRIVATE'), path);
    }
    const after = await rawRequest(modgate.url, `/sumdb/${NAME}/latest`);
    assert.ok(after.body.equals(before.body), 'the tree head did not change');
  });

  test('a private tag moved after first fetch does not change what clients get', async () => {
    await git.commit(
      repo,
      { 'greeter.go': 'package greeter\n\nfunc Hello() string { return "moved!" }\n' },
      'moved',
      '2024-03-05T10:00:00Z',
    );
    await git.git(repo, ['tag', '-f', 'v1.0.0']);
    await go.clearModCache();
    const dir = await go.newModule(
      'example.com/again',
      'module example.com/again\n\ngo 1.19\n\nrequire git.corp.example/greeter v1.0.0\n',
    );
    const r = await go.run(['mod', 'download', '-json', 'git.corp.example/greeter'], client(dir));
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout) as { Dir: string; Sum: string };
    assert.equal(`git.corp.example/greeter v1.0.0 ${info.Sum}`, greeterSums[0]);
    const src = await readFile(join(info.Dir, 'greeter.go'), 'utf8');
    assert.match(src, /hello from v1\.0\.0/);
    const sums = await readFile(join(dir, 'go.sum'), 'utf8');
    for (const line of greeterSums) assert.ok(sums.includes(line + '\n'), sums);
    // A new module version grows the tree: the go command checks the new head against the one
    // it remembers (in GOPATH, which survived the module cache) before trusting the record.
    const next = await go.run(
      ['mod', 'download', '-json', 'git.corp.example/other@v1.0.0'],
      client(dir),
    );
    assert.equal(next.code, 0, next.stdout + next.stderr);
    assert.equal(await treeSize(modgate), FILLER + 3);
    const otherSum = (JSON.parse(next.stdout) as { Sum: string }).Sum;
    const cached = await readFile(
      join(go.modCache, 'cache/download/sumdb', NAME, 'lookup/git.corp.example/other@v1.0.0'),
      'utf8',
    );
    assert.ok(cached.includes(`git.corp.example/other v1.0.0 ${otherSum}\n`), cached);
    const remembered = await readFile(join(go.root, 'gopath/pkg/sumdb', NAME, 'latest'), 'utf8');
    assert.equal(parseTree(remembered).n, FILLER + 3);
  });

  test('a replica that lost the stored copy refuses the moved tag’s content (502 checksum mismatch), stores nothing', async () => {
    await modgate.stop();
    const replicaDir = await mkdtemp(join(tmpdir(), 'modgate-own-sumdb-replica-'));
    dirs.push(replicaDir);
    // The log and its key survive; the stored modules (and the git cache) are gone.
    await cp(join(dataDir, 'sumdb-server'), join(replicaDir, 'sumdb-server'), { recursive: true });
    modgate = await startOn(replicaDir, settings);
    assert.equal(modgate.gosumdb.split(' ')[0], (await readKeyOf(dataDir)) ?? 'missing');
    assert.equal(await treeSize(modgate), FILLER + 3);
    await go.clearModCache();
    const dir = await go.newModule(
      'example.com/replica',
      'module example.com/replica\n\ngo 1.19\n\nrequire git.corp.example/greeter v1.0.0\n',
    );
    const r = await go.run(['mod', 'download', 'git.corp.example/greeter'], client(dir));
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(
      r.stderr,
      /checksum mismatch for git\.corp\.example\/greeter@v1\.0\.0: zip: expected h1:/,
    );
    const zip = await rawRequest(modgate.url, '/git.corp.example/greeter/@v/v1.0.0.zip');
    assert.equal(zip.status, 502);
    assert.ok(
      !(await listFiles(replicaDir)).some((f) => f.endsWith('greeter/@v/v1.0.0.zip')),
      'the moved content was not stored',
    );
    assert.equal(await treeSize(modgate), FILLER + 3);
    // The original record is still what the database answers.
    const lookup = await rawRequest(
      modgate.url,
      `/sumdb/${NAME}/lookup/git.corp.example/greeter@v1.0.0`,
    );
    assert.equal(lookup.status, 200);
    assert.deepEqual(parseRecord(lookup.body).text.toString().trim().split('\n'), greeterSums);
  });
});

/** The verifier key `modgate sumdb key` derives from the key stored under `dir`. */
async function readKeyOf(dir: string): Promise<string | undefined> {
  const file = join(dir, 'sumdb-server', NAME, 'signer-key');
  if (!(await stat(file).catch(() => null))) return undefined;
  const r = spawnSync(process.execPath, [bin, 'sumdb', 'key', '--data-dir', dir], {
    env: { PATH: process.env.PATH ?? '', MODGATE_SUMDB_SERVER_NAME: NAME },
    encoding: 'utf8',
  });
  return r.stdout.split(' ')[0];
}
