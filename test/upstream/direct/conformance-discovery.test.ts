/**
 * Conformance of DirectUpstream with the real go command (`GOPROXY=direct`) for module paths
 * that need `?go-get=1` discovery: a vanity host (`vanity.example`) and gopkg.in. As in
 * conformance.test.ts, the version, the `.info` Time, the `.mod` bytes, the go.mod and zip
 * `h1:` sums and the version lists must be what `go mod download -json` and
 * `go list -m -versions -retracted` report; errors must be of the same class (ours
 * `not-found`), with the same message — except where a case documents a wording difference.
 * `mod` go-imports name a FixtureProxy on 127.0.0.1 (ProxyUpstream on our side), and one page
 * redirects to a page on another host.
 *
 * How the go command reaches the meta server offline: cmd/go's HTTP clients honour
 * HTTP_PROXY/HTTPS_PROXY (web/http.go: `Proxy: http.ProxyFromEnvironment`) for every host but
 * localhost, so both point at GoGetServer's proxy face on 127.0.0.1. It refuses CONNECT, so
 * the HTTPS request for `https://vanity.example/lib?go-get=1` fails; with
 * `GOINSECURE=vanity.example,gopkg.in` the go command then asks
 * `GET http://vanity.example/lib?go-get=1` through the proxy, and the page's go-import names
 * the `git daemon` the test runs (`git://127.0.0.1:<port>/lib`). cmd/go checks no scheme for
 * a repository found by discovery (only vcs.go's static-table ping consults
 * GIT_ALLOW_PROTOCOL); git itself allows git:// by default. git does not use HTTP_PROXY for
 * git:// URLs, so the repositories are reached directly.
 *
 * Our side: RepoResolver with the same insecure patterns, and GoGetServer's `dialOverride`
 * (HttpClient, an undici Agent, ignores HTTP_PROXY/HTTPS_PROXY) with HTTPS for both hosts
 * down (connection refused), so it too falls back to the same `http://` pages; then
 * directRepoResolver's refs probe and the git cache, as build-app wires them.
 *
 * gopkg.in: Go 1.19 has no static rule for it; the real gopkg.in serves
 * `<meta name="go-import" content="gopkg.in/yaml.v2 git https://gopkg.in/yaml.v2">`, so a
 * meta page pointing at the daemon stands in for it, and the module rules (`.vN` major
 * suffix, no go.mod needed at the repository root, no `+incompatible`) are the code repo's.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import { compilePolicy } from '../../../src/policy/index.js';
import { DirectUpstream, directRepoResolver } from '../../../src/upstream/direct/index.js';
import { RepoResolver } from '../../../src/upstream/direct/discovery/index.js';
import { HttpClient } from '../../../src/upstream/http-client.js';
import { ProxyUpstream } from '../../../src/upstream/proxy-upstream.js';
import { FixtureProxy } from '../../support/fixture-proxy.js';
import { GoSandbox } from '../../support/go-sandbox.js';
import {
  assertSameDownload,
  goDirectAnswers,
  type GoDownload,
  type GoInfo,
} from './conformance-support.js';
import { GoGetServer } from './discovery/go-get-server.js';
import { GitFixture } from './git/git-fixture.js';

interface Case {
  what: string;
  path: string;
  query: string | (() => string);
  /** `ok`, or the error class: the path has no repository / the repository has no such version. */
  expect?: 'ok' | 'error';
  /**
   * For errors: why our message is worded differently from the go command's (then only the
   * kind, the path and an `unrecognized import path "<path>"` opening are compared).
   */
  wording?: string;
}

const V = 'vanity.example';
const INSECURE = `${V},gopkg.in`;

let fx: GitFixture;
let meta: GoGetServer;
let modProxy: FixtureProxy;
let http: HttpClient;
let go: GoSandbox;
let upstream: DirectUpstream;
let scratch: string;
const c: Record<string, string> = {};
let downloads = new Map<string, GoDownload>();
let lists = new Map<string, string[]>();
const ctx = {};

const LICENSE = 'Copyright 2024 The Test Authors\n';

async function buildRepos(): Promise<void> {
  // lib — vanity.example/lib at the root, vanity.example/lib/tools in a subdirectory:
  //   l1 v1.0.0, tools/v0.1.0 ─ l2 v1.1.0-rc.1 ─ l3 v1.1.0 ─ l4 (main)
  const lib = await fx.newRepo('lib');
  c.l1 = await fx.commit(
    lib,
    {
      LICENSE,
      'go.mod': `module ${V}/lib\n\ngo 1.18\n`,
      'lib.go': 'package lib\n',
      'tools/go.mod': `module ${V}/lib/tools\n\ngo 1.18\n`,
      'tools/t.go': 'package tools\n',
      'docs/README': 'not a module\n',
    },
    'l1',
    '2023-01-01T10:00:00Z',
  );
  await fx.git(lib, ['tag', 'v1.0.0']);
  await fx.git(lib, ['tag', 'tools/v0.1.0']);
  c.l2 = await fx.commit(lib, { 'lib.go': 'package lib // rc\n' }, 'l2', '2023-01-02T10:00:00Z');
  await fx.git(lib, ['tag', 'v1.1.0-rc.1']);
  c.l3 = await fx.commit(lib, { 'b.go': 'package lib\n' }, 'l3', '2023-01-03T10:00:00Z');
  await fx.annotatedTag(lib, 'v1.1.0', 'HEAD', '2023-02-01T00:00:00Z');
  c.l4 = await fx.commit(
    lib,
    { 'c.go': 'package lib\n', 'tools/u.go': 'package tools\n' },
    'l4',
    '2023-01-04T10:00:00Z',
  );
  // vanity.example/lib/v2 on a major branch.
  await fx.git(lib, ['checkout', '-q', '-b', 'dev2']);
  c.l5 = await fx.commit(lib, { 'go.mod': `module ${V}/lib/v2\n` }, 'l5', '2023-02-05T00:00:00Z');
  await fx.git(lib, ['tag', 'v2.0.0']);
  c.l6 = await fx.commit(lib, { 'd.go': 'package lib\n' }, 'l6', '2023-02-06T00:00:00Z');
  await fx.git(lib, ['checkout', '-q', 'main']);

  // group/sub/proj — a GitLab-style nested group: the go-import prefix has four elements;
  // an `api` module in a subdirectory.
  const proj = await fx.newRepo('group/sub/proj');
  c.p1 = await fx.commit(
    proj,
    {
      'go.mod': `module ${V}/group/sub/proj\n`,
      'p.go': 'package proj\n',
      'api/go.mod': `module ${V}/group/sub/proj/api\n\ngo 1.17\n`,
      'api/a.go': 'package api\n',
    },
    'p1',
    '2023-03-01T00:00:00Z',
  );
  await fx.git(proj, ['tag', 'v0.2.0']);
  await fx.git(proj, ['tag', 'api/v0.1.0']);
  c.p2 = await fx.commit(proj, { 'api/b.go': 'package api\n' }, 'p2', '2023-03-02T00:00:00Z');

  // redir — vanity.example/redir, whose go-get page is a redirect to another host.
  const redir = await fx.newRepo('redir');
  await fx.commit(
    redir,
    { 'go.mod': `module ${V}/redir\n`, 'r.go': 'package redir\n' },
    'r1',
    '2023-04-01T00:00:00Z',
  );
  await fx.git(redir, ['tag', 'v0.0.1']);

  // yaml — gopkg.in/yaml.v1, .v2 and .v3 from one repository: no go.mod up to v2.1.0, then
  // go.mod files naming the gopkg.in paths.
  const yaml = await fx.newRepo('yaml');
  c.y1 = await fx.commit(yaml, { 'y.go': 'package yaml\n', LICENSE }, 'y1', '2019-01-01T00:00:00Z');
  await fx.git(yaml, ['tag', 'v1.0.0']);
  c.y2 = await fx.commit(yaml, { 'y.go': 'package yaml // 2\n' }, 'y2', '2019-02-01T00:00:00Z');
  await fx.git(yaml, ['tag', 'v2.0.0']);
  c.y3 = await fx.commit(yaml, { 'z.go': 'package yaml\n' }, 'y3', '2019-03-01T00:00:00Z');
  await fx.git(yaml, ['tag', 'v2.1.0']);
  c.y4 = await fx.commit(
    yaml,
    { 'go.mod': 'module gopkg.in/yaml.v2\n\ngo 1.15\n' },
    'y4',
    '2019-04-01T00:00:00Z',
  );
  await fx.git(yaml, ['tag', 'v2.2.0']);
  c.y5 = await fx.commit(yaml, { 'w.go': 'package yaml\n' }, 'y5', '2019-05-01T00:00:00Z');
  // A v2 tag whose go.mod names the repository's GitHub path instead of the gopkg.in one.
  await fx.git(yaml, ['checkout', '-q', '-b', 'elsewhere']);
  await fx.commit(
    yaml,
    { 'go.mod': 'module github.com/go-yaml/yaml\n' },
    'y5b',
    '2019-05-15T00:00:00Z',
  );
  await fx.git(yaml, ['tag', 'v2.3.0']);
  await fx.git(yaml, ['checkout', '-q', 'main']);
  c.y6 = await fx.commit(
    yaml,
    { 'go.mod': 'module gopkg.in/yaml.v3\n' },
    'y6',
    '2019-06-01T00:00:00Z',
  );
  await fx.git(yaml, ['tag', 'v3.0.0']);

  // pkg — gopkg.in/user/pkg.v3 (the user form), a go.mod from v3.0.0 on; an older v2 tag.
  const pkg = await fx.newRepo('user/pkg');
  c.k1 = await fx.commit(pkg, { 'k.go': 'package pkg\n' }, 'k1', '2020-01-01T00:00:00Z');
  await fx.git(pkg, ['tag', 'v2.5.0']);
  c.k2 = await fx.commit(
    pkg,
    { 'go.mod': 'module gopkg.in/user/pkg.v3\n' },
    'k2',
    '2020-02-01T00:00:00Z',
  );
  await fx.git(pkg, ['tag', 'v3.0.0']);
  c.k3 = await fx.commit(pkg, { 'k.go': 'package pkg // 3.1\n' }, 'k3', '2020-03-01T00:00:00Z');
  await fx.git(pkg, ['tag', 'v3.1.0']);
}

/** The go-get pages: what a vanity server and gopkg.in would answer over plain HTTP. */
function servePages(port: number): void {
  const daemon = `git://127.0.0.1:${port}`;
  // `mod` go-imports: the module comes from the GOPROXY named (plain HTTP on 127.0.0.1, which
  // the go command reaches without HTTP_PROXY); with a git tag as well, `mod` wins.
  meta.meta(`http://${V}/proxied`, [[`${V}/proxied`, 'mod', modProxy.url]]);
  meta.meta(`http://${V}/both`, [
    [`${V}/both`, 'git', `${daemon}/lib`],
    [`${V}/both`, 'mod', modProxy.url],
  ]);
  // GitLab's anonymous answer for a nested project it will not reveal: the group as the root.
  meta.meta(`http://${V}/group/sub/hidden`, [[`${V}/group/sub`, 'git', `${daemon}/group/sub`]]);
  meta.meta(`http://${V}/group/sub`, [[`${V}/group/sub`, 'git', `${daemon}/group/sub`]]);
  const lib = [[`${V}/lib`, 'git', `${daemon}/lib`]] as const;
  // A vanity server answers the same tag for every path under the repository.
  for (const p of ['lib', 'lib/tools', 'lib/docs', 'lib/v2']) meta.meta(`http://${V}/${p}`, lib);
  const proj = [[`${V}/group/sub/proj`, 'git', `${daemon}/group/sub/proj`]] as const;
  meta.meta(`http://${V}/group/sub/proj`, proj);
  // Tags in a 404 page count.
  meta.meta(`http://${V}/group/sub/proj/api`, proj, 404);
  // A redirect to a page on another host (served on 127.0.0.1, which the go command reaches
  // without the proxy).
  meta.pages.set(`http://${V}/redir`, { redirectTo: 'http://pages.example/redir?go-get=1' });
  meta.meta('http://pages.example/redir', [[`${V}/redir`, 'git', `${daemon}/redir`]]);
  // A page whose only tag is for another path.
  meta.meta(`http://${V}/other`, lib);
  // A deeper page that names another repository for lib: the prefix's own page disagrees.
  meta.meta(`http://${V}/lib/evil`, [[`${V}/lib`, 'git', `${daemon}/yaml`]]);
  for (const v of ['v1', 'v2', 'v3', 'v2-unstable']) {
    meta.meta(`http://gopkg.in/yaml.${v}`, [[`gopkg.in/yaml.${v}`, 'git', `${daemon}/yaml`]]);
  }
  meta.meta('http://gopkg.in/user/pkg.v3', [['gopkg.in/user/pkg.v3', 'git', `${daemon}/user/pkg`]]);
  // vanity.example/nothing: no page at all (404, no tags).
  // A page without any go-import tag, answered 200.
  meta.pages.set(`http://${V}/empty`, { body: '<html><head></head><body>hi</body></html>' });
  // Deeper pages naming a prefix whose own page is missing (404) / has no tags (200).
  meta.meta(`http://${V}/orphan/x`, [[`${V}/orphan`, 'git', `${daemon}/lib`]]);
  meta.meta(`http://${V}/bare/x`, [[`${V}/bare`, 'git', `${daemon}/lib`]]);
  meta.pages.set(`http://${V}/bare`, { body: '<html><head></head></html>' });
}

const s12 = (name: string) => (): string => (c[name] ?? '').slice(0, 12);
const L = `${V}/lib`;
const P = `${V}/group/sub/proj`;

const CASES: readonly Case[] = [
  { what: 'vanity root module: release', path: L, query: 'v1.0.0' },
  { what: 'vanity root module: prerelease', path: L, query: 'v1.1.0-rc.1' },
  { what: 'vanity root module: annotated release', path: L, query: 'v1.1.0' },
  { what: 'vanity root module: pseudo-version of the default branch', path: L, query: 'main' },
  { what: 'vanity root module: commit hash', path: L, query: s12('l2') },
  { what: 'vanity root module: HEAD', path: L, query: 'HEAD' },
  {
    what: 'vanity subdirectory module (go-import prefix shorter than the path)',
    path: `${L}/tools`,
    query: 'v0.1.0',
  },
  {
    what: 'vanity subdirectory module: pseudo-version',
    path: `${L}/tools`,
    query: 'main',
  },
  {
    what: 'vanity path in the repository that is not a module',
    path: `${L}/docs`,
    query: 'v1.0.0',
    expect: 'error',
  },
  {
    what: 'vanity path without a go-get page (404, no tags)',
    path: `${V}/nothing`,
    query: 'v1.0.0',
    expect: 'error',
  },
  {
    what: 'vanity page whose go-import does not match the path',
    path: `${V}/other`,
    query: 'v1.0.0',
    expect: 'error',
  },
  {
    what: 'vanity page answered 200 without go-import tags',
    path: `${V}/empty`,
    query: 'v1.0.0',
    expect: 'error',
  },
  {
    what: 'vanity page naming a prefix whose own page is 404',
    path: `${V}/orphan/x`,
    query: 'v1.0.0',
    expect: 'error',
  },
  {
    what: 'vanity page naming a prefix whose own page has no tags',
    path: `${V}/bare/x`,
    query: 'v1.0.0',
    expect: 'error',
  },
  {
    what: 'vanity page and its prefix page disagree about go-import',
    path: `${L}/evil`,
    query: 'v1.0.0',
    expect: 'error',
  },
  { what: 'vanity /v2 module on a major branch', path: `${L}/v2`, query: 'v2.0.0' },
  { what: 'vanity /v2 module: pseudo-version', path: `${L}/v2`, query: 'dev2' },
  { what: 'nested groups: root module release', path: P, query: 'v0.2.0' },
  { what: 'vanity page that redirects to another host', path: `${V}/redir`, query: 'v0.0.1' },
  {
    what: 'nested groups: subdirectory module (page answered 404 with tags)',
    path: `${P}/api`,
    query: 'v0.1.0',
  },
  { what: 'nested groups: subdirectory module pseudo-version', path: `${P}/api`, query: 'main' },
  { what: 'mod go-import: a release from the proxy named', path: `${V}/proxied`, query: 'v1.2.3' },
  { what: 'mod and git go-imports: mod wins', path: `${V}/both`, query: 'v0.1.0' },
  {
    what: 'GitLab anonymous answer: the group is no repository',
    path: `${V}/group/sub/hidden`,
    query: 'v1.0.0',
    expect: 'error',
    wording: "the go command shows git ls-remote's failure; ours: no git repository at <url>",
  },
  { what: 'gopkg.in .v1 without go.mod', path: 'gopkg.in/yaml.v1', query: 'v1.0.0' },
  { what: 'gopkg.in .v2 without go.mod', path: 'gopkg.in/yaml.v2', query: 'v2.1.0' },
  { what: 'gopkg.in .v2 with go.mod', path: 'gopkg.in/yaml.v2', query: 'v2.2.0' },
  {
    what: 'gopkg.in .v2 pseudo-version after the last v2 tag',
    path: 'gopkg.in/yaml.v2',
    query: s12('y5'),
  },
  {
    what: 'gopkg.in .v2 asked with +incompatible',
    path: 'gopkg.in/yaml.v2',
    query: 'v2.1.0+incompatible',
    expect: 'error',
  },
  {
    what: 'gopkg.in .v2 asked for a v3 tag',
    path: 'gopkg.in/yaml.v2',
    query: 'v3.0.0',
    expect: 'error',
  },
  {
    what: 'gopkg.in .v1 asked for a v2 tag',
    path: 'gopkg.in/yaml.v1',
    query: 'v2.0.0',
    expect: 'error',
  },
  {
    what: 'gopkg.in .v2 tag whose go.mod names another path',
    path: 'gopkg.in/yaml.v2',
    query: 'v2.3.0',
    expect: 'error',
  },
  {
    what: 'gopkg.in -unstable: a commit',
    path: 'gopkg.in/yaml.v2-unstable',
    query: s12('y3'),
  },
  {
    what: 'gopkg.in -unstable: a tag',
    path: 'gopkg.in/yaml.v2-unstable',
    query: 'v2.1.0',
  },
  { what: 'gopkg.in .v3 with go.mod', path: 'gopkg.in/yaml.v3', query: 'v3.0.0' },
  { what: 'gopkg.in user form .v3', path: 'gopkg.in/user/pkg.v3', query: 'v3.1.0' },
  {
    what: 'gopkg.in user form .v3: HEAD',
    path: 'gopkg.in/user/pkg.v3',
    query: 'HEAD',
  },
];

/** Modules whose version lists are compared, each with a query the go command resolves. */
const LISTS: Record<string, string> = {
  [L]: 'v1.0.0',
  [`${L}/tools`]: 'v0.1.0',
  [P]: 'v0.2.0',
  [`${P}/api`]: 'v0.1.0',
  [`${V}/proxied`]: 'v1.2.3',
  [`${V}/both`]: 'v0.1.0',
  [`${L}/v2`]: 'v2.0.0',
  'gopkg.in/yaml.v2-unstable': 'v2.1.0',
  'gopkg.in/yaml.v1': 'v1.0.0',
  'gopkg.in/yaml.v2': 'v2.1.0',
  'gopkg.in/yaml.v3': 'v3.0.0',
  'gopkg.in/user/pkg.v3': 'v3.0.0',
};

function queryOf(k: Case): string {
  return typeof k.query === 'string' ? k.query : k.query();
}

before(async () => {
  fx = await GitFixture.create();
  await buildRepos();
  const port = await fx.startDaemon();
  meta = await GoGetServer.start();
  modProxy = await FixtureProxy.create([
    { path: `${V}/proxied`, version: 'v1.0.0', time: '2024-01-01T00:00:00Z' },
    {
      path: `${V}/proxied`,
      version: 'v1.2.3',
      files: { 'p.go': 'package proxied\n' },
      time: '2024-01-02T03:04:05Z',
    },
    { path: `${V}/both`, version: 'v0.1.0', time: '2024-02-01T00:00:00Z' },
  ]);
  servePages(port);
  scratch = await mkdtemp(join(tmpdir(), 'modgate-conformance-discovery-'));

  // Our side, wired as build-app wires it (the meta server reached through dialOverride).
  meta.httpsDown.add(V);
  meta.httpsDown.add('gopkg.in');
  http = new HttpClient({ connectTimeoutMs: 2000, maxConnections: 8, userAgent: 'modgate-test' });
  const resolver = new RepoResolver({
    http,
    dialOverride: meta.dial,
    timeoutMs: 5000,
    policy: compilePolicy({ private: '', noVerify: '', insecure: INSECURE, vcsPolicy: '' }),
  });
  upstream = new DirectUpstream(
    directRepoResolver({
      resolver,
      git: fx.cache(),
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

  // The go command's side: discovery through the meta server as an HTTP proxy.
  go = await GoSandbox.create();
  const env = {
    GOPRIVATE: '*',
    GOINSECURE: INSECURE,
    HTTP_PROXY: meta.proxyUrl,
    HTTPS_PROXY: meta.proxyUrl,
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const answers = await goDirectAnswers(
    go,
    env,
    CASES.map((k) => `${k.path}@${queryOf(k)}`),
    LISTS,
  );
  downloads = answers.downloads;
  lists = answers.lists;
});

after(async () => {
  await go?.cleanup();
  await http?.close();
  await meta?.close();
  await modProxy?.close();
  await fx?.close();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

async function conform(k: Case): Promise<void> {
  const query = queryOf(k);
  const want = downloads.get(`${k.path}@${query}`);
  assert.ok(want, `the go command said nothing about ${k.path}@${query}`);
  assert.equal(want.Error === undefined, (k.expect ?? 'ok') === 'ok', `go: ${want.Error ?? 'ok'}`);
  if (want.Error !== undefined) {
    await assert.rejects(upstream.info(k.path, query, ctx), (err: unknown) => {
      assert.ok(err instanceof ModgateError, String(err));
      assert.equal(err.kind, 'not-found');
      const both = `ours: ${err.message}\ngo:   ${want.Error!}`;
      if (k.wording === undefined) {
        assert.equal(reason(err.message), reason(want.Error!), both);
      } else {
        assert.ok(err.message.includes(k.path), both);
        const opening = `unrecognized import path "${k.path}": `;
        if (reason(want.Error!).startsWith(opening)) {
          assert.ok(reason(err.message).startsWith(opening), both);
        }
      }
      return true;
    });
    return;
  }
  await assertSameDownload(upstream, scratch, k.path, query, want, [
    'VCS',
    'URL',
    'Hash',
    'Subdir',
  ]);
}

/**
 * The part of an error message both sides share: the go command puts `path@query: ` in front,
 * and the code host names itself before its own reasons. (Discovery errors are compared in
 * full: "A and B disagree", a prefix page's 404 and a prefix page without tags are worded
 * as cmd/go words them.)
 */
function reason(m: string): string {
  return m
    .replace(/^\S+@\S+: /, '')
    .replace(/^(.*?: )?invalid (pseudo-)?version: /, '')
    .replace(/^git git:\/\/\S+: /, '');
}

for (const k of CASES) test(k.what, () => conform(k));

test('version lists match go list -m -versions -retracted', async () => {
  for (const path of Object.keys(LISTS)) {
    assert.deepEqual(await upstream.list(path, ctx), lists.get(path), path);
  }
});

test('latest is the go command HEAD query', async () => {
  // The go command's Stat("HEAD") is codeRepo.Latest, as DirectUpstream.latest is.
  for (const path of [L, 'gopkg.in/user/pkg.v3']) {
    const want = downloads.get(`${path}@HEAD`);
    assert.ok(want?.Version, path);
    const ours = await upstream.latest(path, ctx);
    assert.equal(ours.version, want.Version, path);
    assert.equal(ours.time, (JSON.parse(await readFile(want.Info!, 'utf8')) as GoInfo).Time);
  }
});

test('the go command reached the pages through the proxy, HTTPS refused first', () => {
  // Without these the cases above could pass against an oracle that never did discovery.
  const asked = new Set(meta.proxied.map((r) => r.url));
  for (const url of [`http://${V}/lib/tools`, `http://${V}/lib`, 'http://gopkg.in/yaml.v2']) {
    assert.ok(asked.has(url), `${url} not asked through the proxy`);
  }
  assert.ok(meta.connects.includes(`${V}:443`), meta.connects.join(' '));
  assert.ok(meta.connects.includes('gopkg.in:443'), meta.connects.join(' '));
  assert.ok(meta.proxied.every((r) => r.query === '?go-get=1'));
});
