import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { FixtureProxy, escapePath, type FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { listFiles } from '../support/list-files.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { rawRequest } from '../support/raw-request.js';
import { GitFixture } from '../upstream/direct/git/git-fixture.js';
import { parseExposition, sumOf, type Sample } from '../metrics/exposition.js';

const MODULES: FixtureModule[] = [
  { path: 'example.com/alpha', version: 'v1.0.0', files: { 'a.go': 'package alpha\n' } },
  { path: 'example.com/Beta', version: 'v0.2.0', files: { 'b.go': 'package beta\n' } },
];

/** Scrapes until `ready` holds (bounded: a request is recorded when its response closes). */
async function scrapeUntil(url: string, ready: (s: Sample[]) => boolean): Promise<Sample[]> {
  let samples: Sample[] = [];
  for (let i = 0; i < 200; i++) {
    samples = parseExposition((await rawRequest(url, '/metrics')).body.toString());
    if (ready(samples)) return samples;
    await new Promise((r) => setTimeout(r, 25));
  }
  return samples;
}

describe('/metrics while the real go command downloads through modgate', () => {
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  let go: GoSandbox;
  let zipBytes = 0;

  before(async () => {
    fixture = await FixtureProxy.create(MODULES);
    for (const m of MODULES) {
      zipBytes += (await readFile(`${fixture.root}/${escapePath(m.path)}/@v/${m.version}.zip`))
        .length;
    }
    go = await GoSandbox.create();
    modgate = await startModgate({ upstream: fixture.url });
  });
  after(async () => {
    await modgate.stop();
    await fixture.close();
    await go.cleanup();
  });

  test('misses, then hits from a second download; upstream attempts; a 404; storage', async () => {
    const args = ['mod', 'download', '-json', ...MODULES.map((m) => `${m.path}@${m.version}`)];
    const first = await go.run(args, { proxy: modgate.url });
    assert.equal(first.code, 0, first.stderr);
    await go.clearModCache();
    const second = await go.run(args, { proxy: modgate.url });
    assert.equal(second.code, 0, second.stderr);
    const missing = await go.run(['mod', 'download', 'example.com/alpha@v9.0.0'], {
      proxy: modgate.url,
    });
    assert.notEqual(missing.code, 0);
    await modgate.settle();

    const samples = await scrapeUntil(
      modgate.url,
      (s) => sumOf(s, 'modgate_http_requests_total', { route: 'zip', cache: 'hit' }) >= 2,
    );
    const requests = (labels: Record<string, string>) =>
      sumOf(samples, 'modgate_http_requests_total', labels);
    for (const route of ['info', 'mod', 'zip']) {
      assert.equal(requests({ route, code_class: '2xx', cache: 'miss' }), 2, `${route} misses`);
      assert.equal(requests({ route, code_class: '2xx', cache: 'hit' }), 2, `${route} hits`);
    }
    assert.ok(requests({ route: 'info', code_class: '4xx' }) >= 1, 'the missing version');
    assert.equal(
      sumOf(samples, 'modgate_http_response_bytes_total', { route: 'zip' }),
      2 * zipBytes,
      'each zip sent twice, whole',
    );
    // Every miss asked the upstream once; the unknown version is its not_found.
    const upstream = fixture.url.replace(/\/$/, '');
    const attempts = (operation: string, outcome: string) =>
      sumOf(samples, 'modgate_upstream_requests_total', { upstream, operation, outcome });
    assert.equal(attempts('mod', 'ok'), 2);
    assert.equal(attempts('zip', 'ok'), 2);
    assert.ok(attempts('info', 'not_found') >= 1);
    assert.equal(sumOf(samples, 'modgate_upstream_requests_total', { outcome: 'error' }), 0);
    assert.equal(sumOf(samples, 'modgate_upstream_up', { upstream }), 1);
    // What is stored is what the gauges say.
    const files = await listFiles(modgate.dataDir);
    const stored = await scrapeUntil(
      modgate.url,
      (s) => sumOf(s, 'modgate_storage_stored_objects') === files.length,
    );
    assert.equal(sumOf(stored, 'modgate_storage_stored_objects'), files.length);
    // Module paths and versions never become label values.
    const text = (await rawRequest(modgate.url, '/metrics')).body.toString();
    for (const needle of ['alpha', 'Beta', '!beta', 'v1.0.0', 'v0.2.0', 'v9.0.0']) {
      assert.ok(!text.includes(needle), `/metrics mentions ${needle}`);
    }
  });
});

describe('/metrics of git commands and the git cache (direct fetching)', () => {
  let git: GitFixture;
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;

  before(async () => {
    git = await GitFixture.create();
    const repo = await git.newRepo('greeter');
    await git.commit(
      repo,
      {
        'go.mod': 'module git.corp.example/greeter\n\ngo 1.16\n',
        'greeter.go': 'package greeter\n\nfunc Hello() string { return "hello" }\n',
      },
      'v1',
      '2024-03-01T10:00:00Z',
    );
    await git.git(repo, ['tag', 'v1.0.0']);
    const port = await git.startDaemon();
    fixture = await FixtureProxy.create([]);
    modgate = await startModgate({
      upstream: fixture.url,
      private: 'git.corp.example',
      settings: {
        'direct.rewrites': `git.corp.example/*=git://127.0.0.1:${port}/*`,
        'direct.insecure': 'git.corp.example',
      },
    });
  });
  after(async () => {
    await modgate.stop();
    await fixture.close();
    await git.close();
  });

  test('git commands by command and outcome, the cache size, direct upstream attempts', async () => {
    for (const file of ['list', 'v1.0.0.info', 'v1.0.0.mod', 'v1.0.0.zip']) {
      const res = await rawRequest(modgate.url, `/git.corp.example/greeter/@v/${file}`);
      assert.equal(res.status, 200, `${file}: ${res.body.toString()}`);
    }
    const samples = await scrapeUntil(
      modgate.url,
      (s) =>
        sumOf(s, 'modgate_git_cache_repositories') >= 1 && sumOf(s, 'modgate_git_cache_bytes') > 0,
    );
    const commands = (labels: Record<string, string>) =>
      sumOf(samples, 'modgate_git_commands_total', labels);
    assert.ok(commands({ command: 'ls-remote', outcome: 'ok' }) >= 1);
    assert.ok(commands({ command: 'fetch', outcome: 'ok' }) >= 1);
    assert.equal(commands({ outcome: 'timeout' }), 0);
    assert.ok(
      sumOf(samples, 'modgate_git_command_duration_seconds_count', { command: 'fetch' }) >= 1,
    );
    assert.equal(sumOf(samples, 'modgate_git_cache_repositories'), 1);
    assert.ok(sumOf(samples, 'modgate_git_cache_bytes') > 0);
    assert.equal(sumOf(samples, 'modgate_git_cache_evictions_total'), 0);
    assert.ok(
      // git.corp.example, the first host of the configuration, has its own stack: `direct:1`.
      sumOf(samples, 'modgate_upstream_requests_total', { upstream: 'direct:1', outcome: 'ok' }) >=
        3,
    );
    const text = (await rawRequest(modgate.url, '/metrics')).body.toString();
    for (const needle of ['greeter', 'corp.example']) {
      assert.ok(!text.includes(needle), `/metrics mentions ${needle}`);
    }
  });
});
