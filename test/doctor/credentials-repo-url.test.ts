import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  goGetDiscovery,
  goImportFor,
} from '../../src/doctor/checks/credentials/go-get-discovery.js';
import { rewriteFetchUrl } from '../../src/doctor/checks/credentials/git-config.js';
import { staticRepoRoot } from '../../src/doctor/checks/credentials/repo-root.js';

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

/**
 * go-get discovery against a page on 127.0.0.1 (plain HTTP): https fails first; only a path
 * matched by GOINSECURE is asked over http, as the go command does.
 */
describe('goGetDiscovery on 127.0.0.1', () => {
  let server: Server;
  let hostPort: string;
  before(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<meta name="go-import" content="${hostPort}/vanity/x git http://127.0.0.1:1/x">${req.url ?? ''}`,
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
    const found = await goGetDiscovery(
      `${hostPort}/vanity/x/sub`,
      hostPort,
      10_000,
      AbortSignal.timeout(30_000),
    );
    assert.deepEqual(found, {
      ok: true,
      repo: { root: `${hostPort}/vanity/x`, vcs: 'git', url: 'http://127.0.0.1:1/x' },
    });
  });

  test('not insecure: the https request fails and says so', async () => {
    const found = await goGetDiscovery(
      `${hostPort}/vanity/x`,
      '',
      10_000,
      AbortSignal.timeout(30_000),
    );
    assert.equal(found.ok, false);
    assert.match(
      found.ok ? '' : found.problem,
      new RegExp(`^https://${hostPort}/vanity/x\\?go-get=1: `),
    );
  });
});
