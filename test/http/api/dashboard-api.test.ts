// The dashboard's read-only API (issue 15) on a real modgate filled by the real go command:
// search, a module's versions (size, time, h1 as go.sum has them), a version's go.mod, the
// activity ring and the setup lines — and access filtering: a user who may not read a private
// module finds it nowhere (not in search, 404 on its page, not in the activity).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import bcrypt from 'bcryptjs';
import type {
  ActivityView,
  ModuleListView,
  ModuleView,
  SetupView,
  StatusView,
  VersionView,
} from '../../../src/dashboard/index.js';
import { FixtureProxy, makeZip } from '../../support/fixture-proxy.js';
import { GoSandbox } from '../../support/go-sandbox.js';
import { startModgate, type ModgateInstance } from '../../support/modgate-instance.js';
import { apiGet } from './api-client.js';

const ALICE = `Basic ${Buffer.from('alice:alice-pw').toString('base64')}`;
const BOB = `Basic ${Buffer.from('bob:bob-pw').toString('base64')}`;
const SECRET = 'corp.example.com/secret';

interface Downloaded {
  Path: string;
  Version: string;
  Sum: string;
  GoModSum: string;
  GoMod: string;
  Zip: string;
}

describe('dashboard API on a modgate filled by the go command', () => {
  let upstream: FixtureProxy;
  let modgate: ModgateInstance;
  let go: GoSandbox;
  let dir: string;
  const downloaded = new Map<string, Downloaded>();

  const get = <T>(path: string, auth?: string) =>
    apiGet<T>(
      `${modgate.url}${path}`,
      auth === undefined ? {} : { headers: { authorization: auth } },
    );

  before(async () => {
    upstream = await FixtureProxy.create([
      { path: 'example.com/lib', version: 'v1.0.0', time: '2024-01-02T03:04:05Z' },
      {
        path: 'example.com/lib',
        version: 'v1.1.0',
        time: '2024-02-03T04:05:06Z',
        files: { 'lib.go': 'package lib\n\nconst V = 11\n' },
      },
      { path: 'example.com/other', version: 'v0.1.0', time: '2023-05-06T07:08:09Z' },
    ]);
    dir = await mkdtemp(join(tmpdir(), 'modgate-dashboard-api-'));
    const data = join(dir, 'data');
    // A private module already stored (as if fetched from git earlier): the start-up listing
    // finds it.
    const v = join(data, SECRET, '@v');
    await mkdir(v, { recursive: true });
    await writeFile(join(v, 'v1.0.0.info'), '{"Version":"v1.0.0","Time":"2024-04-05T06:07:08Z"}');
    await writeFile(join(v, 'v1.0.0.mod'), `module ${SECRET}\n`);
    await writeFile(
      join(v, 'v1.0.0.zip'),
      await makeZip(SECRET, 'v1.0.0', {
        'go.mod': `module ${SECRET}\n`,
        's.go': 'package secret\n',
      }),
    );
    await writeFile(
      join(dir, 'users.yaml'),
      `users:\n  alice:\n    password: "${bcrypt.hashSync('alice-pw', 4)}"\n    groups: [dev]\n  bob:\n    password: "${bcrypt.hashSync('bob-pw', 4)}"\n`,
    );
    modgate = await startModgate({
      upstream: upstream.url,
      private: 'corp.example.com',
      dataDir: data,
      settings: {
        'auth.users_file': join(dir, 'users.yaml'),
        'access.rules': ['corp.example.com read=@dev'],
      },
    });
    go = await GoSandbox.create();
    const work = await go.newModule('example.com/app');
    const r = await go.run(
      ['mod', 'download', '-json', 'example.com/lib@v1.1.0', 'example.com/other@v0.1.0'],
      { proxy: modgate.url, cwd: work },
    );
    assert.equal(r.code, 0, r.stderr);
    for (const chunk of r.stdout.split(/\n(?=\{)/)) {
      const d = JSON.parse(chunk) as Downloaded;
      downloaded.set(d.Path, d);
    }
    // alice reads the private module (so the activity has a request naming it).
    const res = await fetch(`${modgate.url}/${SECRET}/@v/v1.0.0.info`, {
      headers: { authorization: ALICE },
    });
    assert.equal(res.status, 200);
    await res.text();
    await modgate.settle();
    // The start-up listing runs in the background: wait for it (bounded).
    for (let i = 0; ; i++) {
      const status = await get<StatusView>('/-/api/status');
      if (status.body.catalog.scannedAt !== undefined) break;
      assert.ok(i < 600, 'the catalog was never listed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  after(async () => {
    await modgate?.stop();
    await upstream?.close();
    await go?.cleanup();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  test('search finds stored modules by substring, sorted, with their latest version', async () => {
    const all = await get<ModuleListView>('/-/api/modules');
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.modules.map((m) => m.path),
      ['example.com/lib', 'example.com/other'],
    );
    const lib = await get<ModuleListView>('/-/api/modules?q=LIB');
    assert.deepEqual(lib.body.modules, [
      {
        path: 'example.com/lib',
        versions: 1,
        latest: 'v1.1.0',
        updatedAt: '2024-02-03T04:05:06.000Z',
        private: false,
        hosted: false,
      },
    ]);
    assert.equal(lib.body.total, 1);
    assert.equal(lib.body.next, undefined);
  });

  test('pages: limit and cursor walk the list without repeats', async () => {
    const first = await get<ModuleListView>('/-/api/modules?limit=1');
    assert.deepEqual(
      first.body.modules.map((m) => m.path),
      ['example.com/lib'],
    );
    assert.equal(first.body.total, 2);
    assert.ok(first.body.next);
    const second = await get<ModuleListView>(`/-/api/modules?limit=1&cursor=${first.body.next}`);
    assert.deepEqual(
      second.body.modules.map((m) => m.path),
      ['example.com/other'],
    );
    assert.equal(second.body.next, undefined);
    const bad = await get('/-/api/modules?limit=0');
    assert.equal(bad.status, 400);
  });

  test("a module's versions carry size, time, origin and the h1: go.sum records", async () => {
    const d = downloaded.get('example.com/lib')!;
    const { status, body } = await get<ModuleView>('/-/api/modules/example.com/lib');
    assert.equal(status, 200);
    assert.equal(body.goGet, 'go get example.com/lib@v1.1.0');
    assert.equal(body.versions.length, 1);
    const [v] = body.versions;
    assert.equal(v!.version, 'v1.1.0');
    assert.equal(v!.time, '2024-02-03T04:05:06.000Z');
    assert.equal(v!.origin, 'upstream');
    assert.equal(v!.h1, d.Sum);
    const { size } = await stat(d.Zip);
    assert.equal(v!.size, size);
  });

  test("a version's page has its go.mod, its hash and the go get line", async () => {
    const d = downloaded.get('example.com/other')!;
    const { status, body } = await get<VersionView>('/-/api/modules/example.com/other/@v/v0.1.0');
    assert.equal(status, 200);
    const goMod = await readFile(d.GoMod, 'utf8');
    assert.equal(body.goMod, goMod);
    assert.equal(body.goModH1, d.GoModSum);
    assert.equal(body.goGet, 'go get example.com/other@v0.1.0');
    assert.equal(body.sumdb.verified, 'not-checked');
    const missing = await get('/-/api/modules/example.com/other/@v/v9.9.9');
    assert.equal(missing.status, 404);
  });

  test('a private module exists only for who may read it', async () => {
    for (const auth of [undefined, BOB]) {
      const list = await get<ModuleListView>(`/-/api/modules?q=secret`, auth);
      assert.deepEqual(list.body.modules, [], `listed for ${auth ?? 'anonymous'}`);
      assert.equal(list.body.total, 0);
      const page = await get(`/-/api/modules/${SECRET}`, auth);
      assert.equal(page.status, 404);
      const version = await get(`/-/api/modules/${SECRET}/@v/v1.0.0`, auth);
      assert.equal(version.status, 404);
      const activity = await get<ActivityView>('/-/api/activity', auth);
      assert.ok(
        activity.body.recent.every((r) => r.module !== SECRET),
        'the private module shows in the activity',
      );
      assert.ok(activity.body.topModules.every((m) => m.path !== SECRET));
    }
    const alice = await get<ModuleView>(`/-/api/modules/${SECRET}`, ALICE);
    assert.equal(alice.status, 200);
    assert.equal(alice.body.private, true);
    assert.equal(alice.body.versions[0]?.origin, 'direct');
    assert.equal(alice.body.versions[0]?.time, '2024-04-05T06:07:08.000Z');
    const activity = await get<ActivityView>(`/-/api/activity?module=${SECRET}`, ALICE);
    assert.equal(activity.body.recent[0]?.module, SECRET);
    assert.equal(activity.body.recent[0]?.version, 'v1.0.0');
  });

  test('activity: recent requests by module and status class, top modules, cache counters', async () => {
    const { body } = await get<ActivityView>('/-/api/activity?module=example.com/lib&status=2xx');
    assert.ok(body.recent.length >= 3, JSON.stringify(body.recent)); // .info, .mod, .zip at least
    for (const r of body.recent) {
      assert.equal(r.module, 'example.com/lib');
      assert.ok(r.status >= 200 && r.status < 300);
    }
    assert.ok(body.recent.some((r) => r.path === '/example.com/lib/@v/v1.1.0.zip'));
    assert.ok(body.topModules.some((m) => m.path === 'example.com/lib' && m.requests >= 3));
    assert.ok(body.cache.misses > 0);
    assert.ok(body.requests >= body.cache.misses);
    const none = await get<ActivityView>('/-/api/activity?status=5xx');
    assert.deepEqual(none.body.recent, []);
    const bad = await get('/-/api/activity?status=abc');
    assert.equal(bad.status, 400);
  });

  test('setup: GOPROXY for this server; GONOSUMDB only for who may read the private modules; .netrc without a password', async () => {
    const anon = await get<SetupView>('/-/api/setup');
    assert.equal(anon.status, 200);
    // The same settings as the client-configuration endpoint `modgate doctor --server` reads.
    const res = await fetch(`${modgate.url}/.well-known/modgate/client-config`);
    const config = (await res.json()) as { gosumdb: string };
    assert.deepEqual(
      anon.body.goEnv.map((l) => `${l.name}=${l.value}`),
      [`GOPROXY=${modgate.url},off`, `GOSUMDB=${config.gosumdb}`],
    );
    assert.equal(anon.body.goEnv[0]!.command, `go env -w GOPROXY=${modgate.url},off`);
    assert.equal(anon.body.doctor, `modgate doctor --server ${modgate.url}`);
    assert.equal(
      anon.body.netrc,
      'machine 127.0.0.1 login <user> password <your password or token>',
    );
    const alice = await get<SetupView>('/-/api/setup', ALICE);
    assert.deepEqual(
      alice.body.goEnv.map((l) => `${l.name}=${l.value}`),
      [`GOPROXY=${modgate.url},off`, 'GONOSUMDB=corp.example.com', `GOSUMDB=${config.gosumdb}`],
    );
    assert.equal(
      alice.body.netrc,
      'machine 127.0.0.1 login alice password <your password or token>',
    );
    assert.ok(!JSON.stringify(alice.body).includes('alice-pw'));
  });

  test('status: storage usage from the stored-files gauges, catalog size', async () => {
    const { body } = await get<StatusView>('/-/api/status');
    assert.equal(body.storage.backend, 'disk');
    assert.ok((body.storage.objects ?? 0) > 0);
    assert.ok((body.storage.bytes ?? 0) > 0);
    assert.deepEqual(body.catalog.modules, 3);
    assert.equal(body.upstreams[0]?.state, 'ok');
    assert.ok((body.upstreams[0]?.requests ?? 0) > 0);
  });
});
