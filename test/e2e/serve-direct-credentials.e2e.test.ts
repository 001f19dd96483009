import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GoSandbox } from '../support/go-sandbox.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { rawRequest } from '../support/raw-request.js';
import { GitFixture } from '../upstream/direct/git/git-fixture.js';
import { HttpGitServer } from '../upstream/direct/git/http-git-server.js';

/**
 * Credentials held by modgate for a git host that wants them (smart HTTP with Basic auth):
 * the right token works; a wrong one is reported to the go command as an authentication
 * failure naming the host — not as "not found" — and the token never appears in an answer or
 * in modgate's log (read here at debug level, every line).
 */
describe('modgate serve: git credentials never leak, auth failures say so', () => {
  const GOOD = 'gh0-good-token-1234567890';
  const BAD = 'gh0-wrong-token-0987654321';
  const URL_SECRET = 'url-embedded-s3cret';
  let git: GitFixture;
  let server: HttpGitServer;
  let go: GoSandbox;
  const instances: ModgateInstance[] = [];

  before(async () => {
    git = await GitFixture.create();
    const repo = await git.newRepo('locked');
    await git.commit(
      repo,
      { 'go.mod': 'module git.auth.example/locked\n\ngo 1.16\n', 'l.go': 'package locked\n' },
      'one',
      '2024-03-01T10:00:00Z',
    );
    await git.git(repo, ['tag', 'v1.0.0']);
    server = await HttpGitServer.start({
      root: git.srv,
      env: git.env,
      auth: { username: 'bot', password: GOOD },
    });
    go = await GoSandbox.create();
  });
  after(async () => {
    for (const mg of instances) await mg.stop();
    server.close();
    await git.close();
    await go.cleanup();
  });

  /** A modgate with these direct settings whose every log line lands in `log()`. */
  async function start(settings: Record<string, unknown>): Promise<ModgateInstance> {
    const mg = await startModgate({
      upstream: 'off',
      private: 'git.auth.example',
      captureLog: true,
      settings: { 'direct.insecure': 'git.auth.example', ...settings },
    });
    instances.push(mg);
    return mg;
  }

  function secretsOf(user: string, token: string): string[] {
    return [
      token,
      Buffer.from(`${user}:${token}`).toString('base64'),
      Buffer.from(`x-access-token:${token}`).toString('base64'),
    ];
  }

  function assertClean(text: string, secrets: string[], where: string): void {
    for (const s of secrets) assert.ok(!text.includes(s), `${where} contains a secret: ${text}`);
  }

  test('the configured token is used: the go command downloads the module', async () => {
    const mg = await start({
      'direct.rewrites': `git.auth.example/*=http://127.0.0.1:${server.port}/*`,
      'direct.credentials': `127.0.0.1=bot:${GOOD}`,
    });
    await go.clearModCache();
    const r = await go.run(['mod', 'download', '-json', 'git.auth.example/locked@v1.0.0'], {
      proxy: mg.url,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assertClean(mg.log(), secretsOf('bot', GOOD), 'the log');
  });

  for (const variant of [
    {
      what: 'a wrong token in direct.credentials',
      settings: (port: number): Record<string, string> => ({
        'direct.rewrites': `git.auth.example/*=http://127.0.0.1:${port}/*`,
        'direct.credentials': `127.0.0.1=bot:${BAD}`,
      }),
      secrets: secretsOf('bot', BAD),
    },
    {
      what: 'a wrong password in the rewrite URL',
      settings: (port: number): Record<string, string> => ({
        'direct.rewrites': `git.auth.example/*=http://bot:${URL_SECRET}@127.0.0.1:${port}/*`,
      }),
      secrets: secretsOf('bot', URL_SECRET),
    },
  ]) {
    test(`${variant.what}: "authentication failed for <host>", never the secret`, async () => {
      const mg = await start(variant.settings(server.port));
      const host = `127\\.0\\.0\\.1:${server.port}`;
      for (const path of [
        '/git.auth.example/locked/@v/list',
        '/git.auth.example/locked/@v/v1.0.0.info',
        '/git.auth.example/locked/@latest',
      ]) {
        const res = await rawRequest(mg.url, path);
        const body = res.body.toString();
        assert.notEqual(res.status, 404, `${path}: not a "not found": ${body}`);
        assert.ok(res.status >= 400, `${path}: ${res.status}`);
        assert.match(body, new RegExp(`authentication failed for ${host}`), body);
        assertClean(body, variant.secrets, `${path} body`);
      }
      await go.clearModCache();
      const r = await go.run(['mod', 'download', '-json', 'git.auth.example/locked@v1.0.0'], {
        proxy: mg.url,
      });
      assert.notEqual(r.code, 0);
      assert.match(r.stdout + r.stderr, new RegExp(`authentication failed for ${host}`));
      assertClean(r.stdout + r.stderr, variant.secrets, 'the go command output');
      assert.match(mg.log(), /authentication failed/, 'the failure is logged');
      assertClean(mg.log(), variant.secrets, 'the log');
    });
  }
});
