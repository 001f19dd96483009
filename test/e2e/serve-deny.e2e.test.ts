// Block lists (issue 14 item 3) with the real go command: a blocked version is refused with
// 403 and the reason the go command prints, left out of @v/list, skipped by @latest; cached
// answers, the fast path and copies stored before the rule existed do not bypass it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FixtureProxy, type FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';

const mod = (path: string, version: string): FixtureModule => ({
  path,
  version,
  files: { 'x.go': `package x\n\nconst V = "${version}"\n` },
});

const MODULES: FixtureModule[] = [
  mod('example.com/vuln', 'v1.0.0'),
  mod('example.com/vuln', 'v1.1.0'),
  mod('example.com/vuln', 'v1.2.0'),
  mod('example.com/vuln', 'v1.3.0'),
  mod('example.com/allbad', 'v1.0.0'),
  mod('example.com/fine', 'v1.0.0'),
];

const DENY = [
  { module: 'example.com/vuln', versions: '<v1.2.0', reason: 'CVE-2026-0001: upgrade to v1.2.0' },
  { module: 'example.com/vuln', versions: '=v1.3.0', reason: 'broken release' },
  { module: 'example.com/allbad', reason: 'typo-squatted path, use example.com/allgood' },
];

describe('block lists with the real go command', () => {
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  let go: GoSandbox;
  let dataDir: string;

  before(async () => {
    fixture = await FixtureProxy.create(MODULES);
    go = await GoSandbox.create();
    dataDir = await mkdtemp(join(tmpdir(), 'modgate-deny-data-'));
    // A version stored before the rule existed: the rule still refuses it after a restart.
    const first = await startModgate({ upstream: fixture.url, dataDir });
    for (const file of ['v1.1.0.info', 'v1.1.0.mod', 'v1.1.0.zip', 'list']) {
      const res = await fetch(`${first.url}/example.com/vuln/@v/${file}`);
      assert.equal(res.status, 200, file);
      await res.arrayBuffer();
    }
    await first.settle();
    await first.stop();
    modgate = await startModgate({
      upstream: fixture.url,
      dataDir,
      listTtl: '1h',
      settings: { deny: DENY },
    });
  });
  after(async () => {
    await modgate.stop();
    await fixture.close();
    await go.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('go list -m -versions omits blocked versions', async () => {
    for (let i = 0; i < 2; i++) {
      // The second time from the answer cache (and the fast path).
      const r = await go.run(['list', '-m', '-versions', 'example.com/vuln'], {
        proxy: modgate.url,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'example.com/vuln v1.2.0');
    }
  });

  test('go get of a blocked version fails with the reason', async () => {
    const dir = await go.newModule('example.com/app1');
    const r = await go.run(['get', 'example.com/vuln@v1.1.0'], { proxy: modgate.url, cwd: dir });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /403 Forbidden/);
    assert.match(r.stderr, /server response:.*CVE-2026-0001: upgrade to v1\.2\.0/s);
  });

  test('go get @latest skips blocked versions', async () => {
    const dir = await go.newModule('example.com/app2');
    const r = await go.run(['get', 'example.com/vuln@latest'], { proxy: modgate.url, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /go: added example.com\/vuln v1\.2\.0/);
  });

  test('a module whose every version is blocked: go get shows the reason', async () => {
    const dir = await go.newModule('example.com/app3');
    const r = await go.run(['get', 'example.com/allbad'], { proxy: modgate.url, cwd: dir });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /typo-squatted path, use example\.com\/allgood/);
    const latest = await fetch(`${modgate.url}/example.com/allbad/@latest`);
    assert.equal(latest.status, 403);
    assert.match(await latest.text(), /example\.com\/allbad@v1\.0\.0 is blocked: typo-squatted/);
  });

  test('every file of a blocked version is 403, stored or cached or not, before any fetch', async () => {
    const before = fixture.requests.length;
    for (let i = 0; i < 2; i++) {
      for (const file of ['v1.1.0.info', 'v1.1.0.mod', 'v1.1.0.zip', 'v1.0.0.zip', 'v1.3.0.mod']) {
        for (const method of ['GET', 'HEAD']) {
          const res = await fetch(`${modgate.url}/example.com/vuln/@v/${file}`, { method });
          assert.equal(res.status, 403, `${method} ${file}`);
          const text = await res.text();
          if (method === 'GET') assert.match(text, /is blocked: /);
        }
      }
    }
    assert.deepEqual(
      fixture.requests.slice(before),
      [],
      'nothing of a blocked version was fetched',
    );
  });

  test('allowed versions are served as usual', async () => {
    const r = await go.run(
      ['mod', 'download', '-json', 'example.com/vuln@v1.2.0', 'example.com/fine@v1.0.0'],
      {
        proxy: modgate.url,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"Sum": "h1:/);
  });

  test('lists answered with no upstream (held versions, stale copies) are filtered too', async () => {
    const stale = await startModgate({
      upstream: 'off',
      dataDir,
      settings: { deny: DENY },
    });
    try {
      // Held: v1.1.0 (stored by the first instance) and v1.2.0 (downloaded above).
      const res = await fetch(`${stale.url}/example.com/vuln/@v/list`);
      assert.equal(res.status, 200);
      assert.doesNotMatch(await res.text(), /v1\.[013]\.0/);
      const latest = await fetch(`${stale.url}/example.com/vuln/@latest`);
      assert.equal(latest.status, 200);
      assert.equal(((await latest.json()) as { Version: string }).Version, 'v1.2.0');
    } finally {
      await stale.stop();
    }
  });
});
