import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  goGetDiscovery,
  goImportFor,
} from '../../src/doctor/checks/credentials/go-get-discovery.js';
import type { DoctorContext } from '../../src/doctor/doctor-context.js';
import { rewriteFetchUrl } from '../../src/doctor/checks/credentials/git-config.js';
import { staticRepoRoot } from '../../src/doctor/checks/credentials/repo-root.js';
import { doctorMessages } from '../../src/doctor/doctor-messages.js';

test('staticRepoRoot: the go command 1.19 static shapes; others need discovery', () => {
  assert.deepEqual(staticRepoRoot('github.com/org/repo/sub/v2'), {
    root: 'github.com/org/repo',
    vcs: 'git',
    url: 'https://github.com/org/repo',
  });
  assert.deepEqual(staticRepoRoot('git.corp.example/team/tool.git/sub'), {
    root: 'git.corp.example/team/tool.git',
    vcs: 'git',
    url: 'https://git.corp.example/team/tool',
  });
  assert.equal(staticRepoRoot('hg.corp.example/x.hg')?.vcs, 'hg');
  assert.equal(staticRepoRoot('go.corp.example/tool'), undefined);
});

test('rewriteFetchUrl: the longest insteadOf prefix wins; pushInsteadOf never rewrites a fetch', () => {
  const rules = [
    { base: 'ssh://git@h/', prefix: 'https://h/', push: false, origin: '' },
    { base: 'ssh://git@h/team-', prefix: 'https://h/team/', push: false, origin: '' },
    { base: 'ssh://push@h/', prefix: 'https://p/', push: true, origin: '' },
  ];
  assert.equal(rewriteFetchUrl('https://h/team/x', rules).url, 'ssh://git@h/team-x');
  assert.equal(rewriteFetchUrl('https://h/other', rules).url, 'ssh://git@h/other');
  assert.equal(rewriteFetchUrl('https://p/x', rules).url, 'https://p/x');
});

test('goImportFor: the meta tag whose prefix covers the path', () => {
  const html = `<html><head>
    <meta name="go-import" content="go.corp.example/other git https://git.corp/other">
    <meta content='go.corp.example/tool git https://git.corp/tool' name='go-import'/>
  </head></html>`;
  assert.deepEqual(goImportFor(html, 'go.corp.example/tool/cmd'), {
    root: 'go.corp.example/tool',
    vcs: 'git',
    url: 'https://git.corp/tool',
  });
  assert.equal(goImportFor(html, 'go.corp.example/toolbox'), undefined);
});

function context(env: Record<string, string>): DoctorContext {
  return {
    dir: '/',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    home: '/nonexistent-home',
    go: undefined,
    module: undefined,
    server: undefined,
    offline: false,
    probeTimeoutMs: 10_000,
    signal: AbortSignal.timeout(30_000),
    locale: 'en',
    t: doctorMessages('en'),
  };
}

/**
 * go-get discovery against a page on 127.0.0.1 (plain HTTP): https fails first; only a path
 * matched by GOINSECURE is asked over http, as the go command does; a host the machine reaches
 * only through its HTTP_PROXY is asked through it (the server plays that proxy, and refuses the
 * CONNECT of the https attempt).
 */
describe('goGetDiscovery on 127.0.0.1', () => {
  let server: Server;
  let hostPort: string;
  const requests: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const path = /^(?:http:\/\/[^/]+)?\/([^?]*)\?go-get=1$/.exec(req.url ?? '')?.[1] ?? '';
      const prefix = (req.url ?? '').startsWith('http://vanity.example/')
        ? 'vanity.example'
        : hostPort;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<meta name="go-import" content="${prefix}/${path.split('/').slice(0, 2).join('/')} git http://127.0.0.1:1/x">`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    hostPort = `127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
  });
  after(() => {
    server.close();
    server.closeAllConnections();
  });

  test('GOINSECURE covers it: found over http', async () => {
    const found = await goGetDiscovery(context({}), `${hostPort}/vanity/x/sub`, hostPort);
    assert.deepEqual(found, {
      ok: true,
      repo: { root: `${hostPort}/vanity/x`, vcs: 'git', url: 'http://127.0.0.1:1/x' },
    });
  });

  test('not insecure: the https request fails and says so', async () => {
    const found = await goGetDiscovery(context({}), `${hostPort}/vanity/x`, '');
    assert.equal(found.ok, false);
    assert.match(
      found.ok ? '' : found.problem,
      new RegExp(`^https://${hostPort}/vanity/x\\?go-get=1: `),
    );
  });

  test('through HTTP_PROXY/HTTPS_PROXY, as the go command asks', async () => {
    const proxy = `http://${hostPort}`;
    const env = { HTTP_PROXY: proxy, HTTPS_PROXY: proxy };
    const found = await goGetDiscovery(
      context(env),
      'vanity.example/team/tool/sub',
      'vanity.example',
    );
    assert.deepEqual(found, {
      ok: true,
      repo: { root: 'vanity.example/team/tool', vcs: 'git', url: 'http://127.0.0.1:1/x' },
    });
    assert.ok(requests.includes('http://vanity.example/team/tool/sub?go-get=1'), String(requests));
  });
});
