import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../../../src/errors/index.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { GitFixture } from './git-fixture.js';
import { HttpGitServer } from './http-git-server.js';

// git over smart HTTP (git http-backend) with Basic authentication.
let fx: GitFixture;
let secured: HttpGitServer;
let hanging: HttpGitServer;
let head = '';
const TOKEN = 's3cr3t-token-ABCDEF';
const ctx = {};

before(async () => {
  fx = await GitFixture.create();
  const repo = await fx.newRepo('repo.git');
  head = await fx.commit(
    repo,
    { 'go.mod': 'module example.com/repo\n' },
    'one',
    '2020-01-01T00:00:00Z',
  );
  await fx.git(repo, ['tag', 'v1.0.0']);
  secured = await HttpGitServer.start({
    root: fx.srv,
    env: fx.env,
    auth: { username: 'alice', password: TOKEN },
  });
  // Answers ls-remote but never a fetch (protocol v2: the POST carrying command=fetch).
  hanging = await HttpGitServer.start({
    root: fx.srv,
    env: fx.env,
    hang: (req, body) => req.method === 'POST' && body.includes('command=fetch'),
  });
  fx.track(secured.server);
  fx.track(hanging.server);
});

after(async () => {
  await fx.close();
});

function assertAuthFailure(err: unknown, secrets: string[]): true {
  assert.ok(err instanceof ModgateError, String(err));
  assert.equal(err.kind, 'forbidden', err.message);
  assert.match(
    err.message,
    new RegExp(`authentication failed for 127\\.0\\.0\\.1:${secured.port}`),
  );
  for (const s of secrets)
    assert.ok(!err.message.includes(s), `message leaks ${s}: ${err.message}`);
  return true;
}

test('no credentials: forbidden, naming the host (not a 404)', async () => {
  const host = fx.cache().codeHost(secured.url('repo.git'));
  await assert.rejects(host.tags('', ctx), (err) => assertAuthFailure(err, []));
});

test('wrong token: forbidden, and neither the token nor its Basic form appears', async () => {
  const wrong = 'wrong-token-0123456789';
  const cache = fx.cache({
    credentials: [{ host: `http://127.0.0.1:${secured.port}`, username: 'alice', token: wrong }],
  });
  const basic = Buffer.from(`alice:${wrong}`).toString('base64');
  await assert.rejects(cache.codeHost(secured.url('repo.git')).stat('v1.0.0', ctx), (err) =>
    assertAuthFailure(err, [wrong, basic]),
  );
  await assert.rejects(cache.probe(secured.url('repo.git')), (err) =>
    assertAuthFailure(err, [wrong]),
  );
  assert.ok(secured.authorizations.includes(`Basic ${basic}`), 'git sent the configured header');
});

test('configured credentials: the repository is readable; nothing on the command line', async () => {
  const commands: string[][] = [];
  const cache = fx.cache({
    credentials: [{ host: `http://127.0.0.1:${secured.port}/`, username: 'alice', token: TOKEN }],
    observer: (e) => commands.push([...e.args]),
  });
  const host = cache.codeHost(secured.url('repo.git'));
  const info = await host.stat('v1.0.0', ctx);
  assert.equal(info.name, head);
  assert.equal(info.version, 'v1.0.0');
  assert.deepEqual(
    await host.readFile(head, 'go.mod', 1000, ctx),
    Buffer.from('module example.com/repo\n'),
  );
  assert.equal(await cache.probe(secured.url('repo.git')), true);
  assert.ok(commands.length > 0);
  for (const args of commands) {
    assert.ok(!args.join(' ').includes(TOKEN), `token on a command line: ${args.join(' ')}`);
  }
});

test('a missing repository over HTTP is not-found; probe says no', async () => {
  const cache = fx.cache({
    credentials: [{ host: `http://127.0.0.1:${secured.port}`, username: 'alice', token: TOKEN }],
  });
  await assert.rejects(cache.codeHost(secured.url('nope.git')).tags('', ctx), {
    kind: 'not-found',
  });
  assert.equal(await cache.probe(secured.url('nope.git')), false);
});

test('a fetch that hangs is killed at the fetch timeout, helpers included', async () => {
  const cache = fx.cache({ timeouts: { fetch: 700 } });
  const host = cache.codeHost(hanging.url('repo.git'));
  assert.equal((await host.tags('', ctx)).length, 1, 'ls-remote is answered');
  await assert.rejects(host.stat('v1.0.0', ctx), (err: unknown) => {
    assert.ok(err instanceof ModgateError, String(err));
    assert.equal(err.kind, 'timeout', err.message);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${hanging.port}`));
    return true;
  });
  assert.ok(hanging.hung.length >= 1);
  // git-remote-http held the connection: it closes only because the whole group was killed.
  for (let i = 0; i < 100 && !hanging.hung.every((h) => h.closed); i++) await sleep(20);
  assert.ok(
    hanging.hung.every((h) => h.closed),
    'the hanging connection was closed',
  );
});

test('credentials looked up by host name (any port), as a CredentialSource gives them', async () => {
  const asked: string[] = [];
  const cache = fx.cache({
    credentialLookup: (hostname) => {
      asked.push(hostname);
      return hostname === '127.0.0.1' ? { username: 'alice', password: TOKEN } : undefined;
    },
  });
  const host = cache.codeHost(secured.url('repo.git'));
  assert.equal((await host.stat('v1.0.0', ctx)).name, head);
  assert.ok(asked.length > 0 && asked.every((h) => h === '127.0.0.1'));
});
