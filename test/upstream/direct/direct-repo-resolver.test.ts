import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import { compilePolicy } from '../../../src/policy/index.js';
import { HttpClient } from '../../../src/upstream/http-client.js';
import { ProxyUpstream } from '../../../src/upstream/proxy-upstream.js';
import { DirectUpstream, directRepoResolver } from '../../../src/upstream/direct/index.js';
import { RepoResolver } from '../../../src/upstream/direct/discovery/index.js';
import type { GitCommandEvent } from '../../../src/upstream/direct/git/index.js';
import { hashZipFile } from '../../../src/zip/files/index.js';
import { FixtureProxy } from '../../support/fixture-proxy.js';
import { GoGetServer } from './discovery/go-get-server.js';
import { GitFixture } from './git/git-fixture.js';

// directRepoResolver wired as build-app wires it: discovery (a go-get meta server and a rewrite
// to git daemon), the git cache's refs probe, and a ProxyUpstream for `mod` go-imports.
let fx: GitFixture;
let meta: GoGetServer;
let proxy: FixtureProxy;
let http: HttpClient;
let scratch: string;
let port: number;
const ctx = {};

before(async () => {
  fx = await GitFixture.create();
  port = await fx.startDaemon();
  meta = await GoGetServer.start();
  proxy = await FixtureProxy.create([
    {
      path: 'vanity.test/proxied',
      version: 'v1.2.3',
      files: { 'p.go': 'package proxied\n' },
      time: '2024-01-02T03:04:05Z',
    },
  ]);
  http = new HttpClient({ connectTimeoutMs: 2000, maxConnections: 8, userAgent: 'modgate-test' });
  scratch = await mkdtemp(join(tmpdir(), 'modgate-direct-resolver-'));
});
after(async () => {
  await http.close();
  await meta.close();
  await proxy.close();
  await fx.close();
  await rm(scratch, { recursive: true, force: true });
});

function setUp(gitEvents: GitCommandEvent[] = []): { upstream: DirectUpstream; cacheDir: string } {
  const resolver = new RepoResolver({
    http,
    dialOverride: meta.dial,
    timeoutMs: 2000,
    policy: compilePolicy({ private: '', noVerify: '', insecure: 'vanity.test', vcsPolicy: '' }),
    rewrites: [{ pattern: 'git.corp.example/*', url: `git://127.0.0.1:${port}/*` }],
  });
  const cacheDir = join(scratch, `cache-${Math.random().toString(36).slice(2)}`);
  const git = fx.cache({ dir: cacheDir, observer: (e) => gitEvents.push(e) });
  const upstream = new DirectUpstream(
    directRepoResolver({
      resolver,
      git,
      proxy: (url) =>
        new ProxyUpstream(url, http, {
          metadataTimeoutMs: 5000,
          zipTimeoutMs: 5000,
          maxZipBytes: 1 << 20,
          maxModBytes: 1 << 16,
          maxMetadataBytes: 1 << 16,
        }),
    }),
    { tmpDir: scratch },
  );
  return { upstream, cacheDir };
}

test('a mod go-import: the module comes from the proxy it names, asked for the full path', async () => {
  meta.meta('https://vanity.test/proxied', [['vanity.test/proxied', 'mod', proxy.url]]);
  const { upstream } = setUp();
  assert.deepEqual(await upstream.list('vanity.test/proxied', ctx), ['v1.2.3']);
  const info = await upstream.info('vanity.test/proxied', 'v1.2.3', ctx);
  assert.equal(info.version, 'v1.2.3');
  assert.equal(info.time, '2024-01-02T03:04:05Z');
  const mod = await upstream.mod('vanity.test/proxied', 'v1.2.3', ctx);
  assert.equal(mod.toString(), 'module vanity.test/proxied\n');
  const { stream } = await upstream.zip('vanity.test/proxied', 'v1.2.3', ctx);
  const file = join(scratch, 'proxied.zip');
  await pipeline(stream, createWriteStream(file));
  assert.match(await hashZipFile(file), /^h1:/);
  // (Leading slashes dropped: ProxyUpstream sends `//path` for a base URL without a path.)
  assert.deepEqual(
    proxy.requestsFor('proxied').map((r) => r.replace(/^\/+/, '')),
    [
      'vanity.test/proxied/@v/list',
      'vanity.test/proxied/@v/v1.2.3.info',
      'vanity.test/proxied/@v/v1.2.3.mod',
      'vanity.test/proxied/@v/v1.2.3.zip',
    ],
  );
  // Not found at that proxy is not-found here (a `,` chain falls through).
  await assert.rejects(upstream.info('vanity.test/proxied', 'v9.9.9', ctx), { kind: 'not-found' });
});

test('a path without a repository: not-found from the refs probe, no clone, "no" remembered', async () => {
  const events: GitCommandEvent[] = [];
  const { upstream, cacheDir } = setUp(events);
  for (const op of [
    () => upstream.list('git.corp.example/later', ctx),
    () => upstream.info('git.corp.example/later', 'v1.0.0', ctx),
    () => upstream.latest('git.corp.example/later/sub', ctx),
  ]) {
    await assert.rejects(op(), (err: unknown) => {
      assert.ok(err instanceof ModgateError, String(err));
      assert.equal(err.kind, 'not-found', err.message);
      assert.match(
        err.message,
        new RegExp(`no git repository at git://127\\.0\\.0\\.1:${port}/later`),
      );
      return true;
    });
  }
  const kinds = events.map((e) => e.args.filter((a) => !a.includes('=') && a !== '-c')[0]);
  assert.deepEqual(kinds, ['ls-remote'], 'one ls-remote, nothing else');
  assert.deepEqual(await readdir(cacheDir).catch(() => []), [], 'no repository directory');

  // The repository appears: the negative answer is kept briefly (30 s by default).
  const dir = await fx.newRepo('later');
  await fx.commit(
    dir,
    { 'go.mod': 'module git.corp.example/later\n' },
    'one',
    '2024-01-01T00:00:00Z',
  );
  await fx.git(dir, ['tag', 'v1.0.0']);
  await assert.rejects(upstream.info('git.corp.example/later', 'v1.0.0', ctx), {
    kind: 'not-found',
  });
  assert.equal(events.length, 1, 'still one ls-remote');
  // A fresh cache (or the TTL running out) sees it.
  const fresh = setUp();
  assert.equal(
    (await fresh.upstream.info('git.corp.example/later', 'v1.0.0', ctx)).version,
    'v1.0.0',
  );
});
