import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GoSandbox } from '../support/go-sandbox.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { rawRequest } from '../support/raw-request.js';
import { GitFixture } from '../upstream/direct/git/git-fixture.js';
import { SshdFixture } from '../upstream/direct/git/sshd-fixture.js';

/**
 * SSH keys held by modgate, against a real OpenSSH server on 127.0.0.1 (run from a temporary
 * directory as the current user; `node scripts/setup.mjs --test` installs openssh-server).
 * The go client has no ssh, no key and no git access: it only talks to modgate.
 * - the configured key: the go command downloads the module, with the same h1 sums as the
 *   go command itself gets in GOPROXY=direct mode over ssh (the oracle: its go-get request
 *   answered through HTTP_PROXY, its git given the key through GIT_SSH_COMMAND) and as
 *   modgate gives for a file:// copy of the same repository;
 * - a key the server rejects: "authentication failed for 127.0.0.1:<port>", never a 404;
 * - an unknown host key under strict checking: refused, naming the host and the file;
 * - no key for the host: the user's own ssh, in batch mode, fails fast instead of hanging;
 * - an scp-like rewrite (`user@[host:port]:path`) serves the same module with the key for
 *   that host and port.
 * The key file's content never appears in an answer or in modgate's log (debug level).
 */
const why = SshdFixture.unavailable();
describe(
  'modgate serve: private modules over ssh with keys the server holds',
  { skip: why },
  () => {
    let git: GitFixture;
    let sshd: SshdFixture;
    let go: GoSandbox;
    let good: string;
    let wrong: string;
    let known: string;
    let secrets: string[];
    let meta: Server;
    const instances: ModgateInstance[] = [];

    before(async () => {
      git = await GitFixture.create();
      sshd = await SshdFixture.start();
      const repo = await git.newRepo('tool');
      await git.commit(
        repo,
        {
          'go.mod': 'module git.corp.example/tool\n\ngo 1.16\n',
          'tool.go': 'package tool\n\nfunc Name() string { return "tool" }\n',
          LICENSE: 'MIT\n',
        },
        'v1',
        '2024-05-01T10:00:00Z',
      );
      await git.git(repo, ['tag', 'v1.2.0']);
      good = await sshd.clientKey('id_good', true);
      wrong = await sshd.clientKey('id_wrong', false);
      known = join(sshd.dir, 'known_hosts');
      await writeFile(known, await sshd.knownHostsLine());
      // Every base64 line of both private keys: none may appear anywhere.
      secrets = [];
      for (const k of [good, wrong]) {
        const lines = (await readFile(k, 'utf8')).split('\n');
        secrets.push(...lines.filter((l) => l !== '' && !l.startsWith('-----')));
      }
      go = await GoSandbox.create();
      // For the go command in direct mode: an HTTP proxy that answers every ?go-get=1 request
      // with the repository's ssh URL (CONNECT, i.e. https, is refused: GOINSECURE falls back).
      meta = createServer((req, res) => {
        const m = /^http:\/\/git\.corp\.example\/([a-z]+)\?go-get=1$/.exec(req.url ?? '');
        if (m === null) {
          res.writeHead(404).end();
          return;
        }
        const repoUrl = `ssh://${sshd.user}@127.0.0.1:${sshd.port}${git.srv}/${m[1] ?? ''}`;
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(
          `<html><head><meta name="go-import" content="git.corp.example/${m[1] ?? ''} git ${repoUrl}"></head></html>\n`,
        );
      });
      await new Promise<void>((resolve) => meta.listen(0, '127.0.0.1', resolve));
    });
    after(async () => {
      for (const mg of instances) await mg.stop();
      meta?.close();
      await sshd?.close();
      await git?.close();
      await go?.cleanup();
    });

    const sshRewrite = (): string =>
      `git.corp.example/*=ssh://${sshd.user}@127.0.0.1:${sshd.port}${git.srv}/*`;
    const hostRe = (): string => `127\\.0\\.0\\.1:${sshd.port}`;

    /** A modgate with these direct settings whose every log line lands in `log()`. */
    async function start(settings: Record<string, unknown>): Promise<ModgateInstance> {
      const mg = await startModgate({
        upstream: 'off',
        private: 'git.corp.example',
        captureLog: true,
        settings: { ...settings },
      });
      instances.push(mg);
      return mg;
    }

    function assertClean(text: string, where: string): void {
      assert.ok(!text.includes('PRIVATE KEY'), `${where} mentions a private key: ${text}`);
      for (const s of secrets) assert.ok(!text.includes(s), `${where} contains key material`);
    }

    interface Download {
      Version: string;
      Sum: string;
      GoModSum: string;
    }

    async function download(url: string, env: Record<string, string> = {}): Promise<Download> {
      await go.clearModCache();
      const r = await go.run(['mod', 'download', '-json', 'git.corp.example/tool@v1.2.0'], {
        proxy: url,
        env,
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const { Version, Sum, GoModSum } = JSON.parse(r.stdout) as Download;
      return { Version, Sum, GoModSum };
    }

    /** The oracle: the go command itself, GOPROXY=direct, over ssh with the good key. */
    function goDirect(): Promise<Download> {
      const port = (meta.address() as { port: number }).port;
      return download('direct', {
        GOPRIVATE: 'git.corp.example',
        GOINSECURE: 'git.corp.example',
        HTTP_PROXY: `http://127.0.0.1:${port}`,
        HTTPS_PROXY: `http://127.0.0.1:${port}`,
        GIT_SSH_COMMAND: `ssh -i ${good} -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=${known}`,
      });
    }

    test('the configured key: the go command downloads the module, same sums as file://', async () => {
      const mg = await start({
        'direct.rewrites': sshRewrite(),
        'direct.ssh_keys': `127.0.0.1=${good}`,
        'direct.ssh_known_hosts': known,
      });
      const viaSsh = await download(mg.url);
      assert.match(viaSsh.Sum, /^h1:/);
      assert.deepEqual(viaSsh, await goDirect());
      const onDisk = await start({ 'direct.rewrites': `git.corp.example/*=file://${git.srv}/*` });
      assert.deepEqual(await download(onDisk.url), viaSsh);
      // And a program that uses it builds, with go.sum written from modgate's answers.
      const dir = await go.newModule('example.com/usetool');
      await writeFile(
        join(dir, 'main.go'),
        'package main\n\nimport (\n\t"fmt"\n\n\t"git.corp.example/tool"\n)\n\nfunc main() { fmt.Println(tool.Name()) }\n',
      );
      const get = await go.run(['get', 'git.corp.example/tool@v1.2.0'], {
        proxy: mg.url,
        cwd: dir,
      });
      assert.equal(get.code, 0, get.stderr);
      const sum = await readFile(join(dir, 'go.sum'), 'utf8');
      assert.ok(sum.includes(`git.corp.example/tool v1.2.0 ${viaSsh.Sum}`), sum);
      const build = await go.run(['build', '-o', 'app', '.'], { proxy: mg.url, cwd: dir });
      assert.equal(build.code, 0, build.stderr);
      assertClean(mg.log(), 'the log');
      assert.ok(mg.log().includes('git.corp.example/tool'), 'the log is captured');
    });

    test('an scp-like rewrite (user@[host:port]:path): the same module, the host key for that port', async () => {
      // Passed to git as written; the key is chosen by host and port read from the brackets.
      const mg = await start({
        'direct.rewrites': `git.corp.example/*=${sshd.user}@[127.0.0.1:${sshd.port}]:${git.srv}/*`,
        'direct.ssh_keys': `127.0.0.1:${sshd.port}=${good}`,
        'direct.ssh_known_hosts': known,
      });
      const viaScp = await download(mg.url);
      assert.match(viaScp.Sum, /^h1:/);
      const onDisk = await start({ 'direct.rewrites': `git.corp.example/*=file://${git.srv}/*` });
      assert.deepEqual(viaScp, await download(onDisk.url));
      const info = await rawRequest(mg.url, '/git.corp.example/tool/@v/v1.2.0.info');
      assert.equal(info.status, 200, info.body.toString());
      assertClean(mg.log(), 'the log');
      // ssh really ran: with the other key for that port the same rewrite is refused.
      const refused = await start({
        'direct.rewrites': `git.corp.example/*=${sshd.user}@[127.0.0.1:${sshd.port}]:${git.srv}/*`,
        'direct.ssh_keys': `127.0.0.1:${sshd.port}=${wrong}`,
        'direct.ssh_known_hosts': known,
      });
      const res = await rawRequest(refused.url, '/git.corp.example/tool/@v/list');
      assert.match(res.body.toString(), new RegExp(`authentication failed for ${hostRe()}`));
    });

    async function expectFailure(
      mg: { url: string; log: () => string },
      message: RegExp,
    ): Promise<void> {
      for (const path of [
        '/git.corp.example/tool/@v/list',
        '/git.corp.example/tool/@v/v1.2.0.info',
        '/git.corp.example/tool/@latest',
      ]) {
        const started = Date.now();
        const res = await rawRequest(mg.url, path);
        const body = res.body.toString();
        assert.notEqual(res.status, 404, `${path}: not a "not found": ${body}`);
        assert.ok(res.status >= 400, `${path}: ${res.status} ${body}`);
        assert.match(body, message, `${path}`);
        assertClean(body, `${path} body`);
        assert.ok(Date.now() - started < 10_000, `${path}: fails fast`);
      }
      await go.clearModCache();
      const r = await go.run(['mod', 'download', '-json', 'git.corp.example/tool@v1.2.0'], {
        proxy: mg.url,
      });
      assert.notEqual(r.code, 0);
      assert.match(r.stdout + r.stderr, message);
      assertClean(r.stdout + r.stderr, 'the go command output');
      assertClean(mg.log(), 'the log');
    }

    test('a key the server rejects: "authentication failed for <host>", not 404', async () => {
      const mg = await start({
        'direct.rewrites': sshRewrite(),
        'direct.ssh_keys': `127.0.0.1:${sshd.port}=${wrong}`,
        'direct.ssh_known_hosts': known,
      });
      await expectFailure(mg, new RegExp(`authentication failed for ${hostRe()}`));
      assert.match(mg.log(), /authentication failed/, 'the failure is logged');
    });

    test('an unknown host key with strict checking: refused, naming the host and the file', async () => {
      const empty = join(sshd.dir, 'empty_known_hosts');
      await writeFile(empty, '');
      const mg = await start({
        'direct.rewrites': sshRewrite(),
        'direct.ssh_keys': `127.0.0.1=${good}`,
        'direct.ssh_known_hosts': empty,
      });
      await expectFailure(
        mg,
        new RegExp(`host key verification failed for ${hostRe()} .*its key is not in ${empty}`),
      );
      assert.equal(await readFile(empty, 'utf8'), '', 'the unknown key was not recorded');
    });

    test("no key for the host: the user's ssh in batch mode fails fast, no prompt, no 404", async () => {
      const mg = await start({
        'direct.rewrites': sshRewrite(),
        'direct.ssh_keys': `git.elsewhere.example=${good}`,
        'direct.ssh_known_hosts': known,
      });
      // Which failure depends on the user's ~/.ssh (an unknown host, or no accepted key); both
      // name the host, and neither waits for a person.
      await expectFailure(
        mg,
        new RegExp(`(?:authentication|host key verification) failed for ${hostRe()}`),
      );
    });
  },
);
