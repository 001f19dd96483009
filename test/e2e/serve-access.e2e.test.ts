// Client authentication, access rules, audit and TLS (issue 14 items 1, 2, 4, 5) with the real
// go command: modgate over HTTPS (the test's own CA in SSL_CERT_FILE; the go command sends
// .netrc credentials over https only), a private module from git readable by group dev.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import bcrypt from 'bcryptjs';
import { GoSandbox } from '../support/go-sandbox.js';
import { ModgateProcess } from '../support/modgate-process.js';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GitFixture } from '../upstream/direct/git/git-fixture.js';

const run = promisify(execFile);

/** A CA and a server certificate for 127.0.0.1 signed by it (openssl, as operators would). */
async function makeCertificates(dir: string, name: string): Promise<void> {
  const ssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  if (name === 'server') {
    await ssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=modgate test CA',
    );
  }
  await writeFile(
    join(dir, 'ext.cnf'),
    'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n',
  );
  await ssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    '/CN=127.0.0.1',
  );
  await ssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
}

const usersYaml = (extra = '') => `users:
  alice:
    password: "${bcrypt.hashSync('alice-pw', 4)}"
    groups: [dev]
  bob:
    password: "${bcrypt.hashSync('bob-pw', 4)}"
${extra}`;

describe('authentication, access rules, audit and TLS with the real go command', () => {
  let git: GitFixture;
  let fixture: FixtureProxy;
  let modgate: ModgateProcess;
  let dir: string;
  let ca: Buffer;
  const sandboxes: GoSandbox[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-access-'));
    await makeCertificates(dir, 'server');
    ca = await readFile(join(dir, 'ca.pem'));
    git = await GitFixture.create();
    const repo = await git.newRepo('greeter');
    await git.commit(
      repo,
      {
        'go.mod': 'module git.corp.example/greeter\n\ngo 1.16\n',
        'greeter.go': 'package greeter\n\nfunc Hello() string { return "hello, team" }\n',
      },
      'v1',
      '2024-03-01T10:00:00Z',
    );
    await git.git(repo, ['tag', 'v1.0.0']);
    const port = await git.startDaemon();
    fixture = await FixtureProxy.create([]);
    await writeFile(join(dir, 'users.yaml'), usersYaml());
    modgate = await ModgateProcess.start({
      upstream: fixture.url,
      settings: {
        private: 'git.corp.example',
        direct: {
          rewrites: [`git.corp.example/*=git://127.0.0.1:${port}/*`],
          insecure: 'git.corp.example',
        },
        auth: { users_file: join(dir, 'users.yaml') },
        access: { rules: ['git.corp.example read=@dev'] },
        audit: { enabled: true, file: join(dir, 'audit.log') },
        tls: { cert: join(dir, 'server.pem'), key: join(dir, 'server.key') },
        trusted_proxies: ['127.0.0.1'],
      },
    });
    assert.match(modgate.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });
  after(async () => {
    await modgate?.stop();
    await fixture?.close();
    await git?.close();
    for (const s of sandboxes) await s.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  /** GET /healthz over https, trusting the test's CA. */
  function healthz(): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(`${modgate.url}/healthz`, { ca, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** `go build` of a program importing the private module, as `user` (none: no .netrc). */
  async function build(user?: string, password?: string) {
    const go = await GoSandbox.create();
    sandboxes.push(go);
    const env: Record<string, string> = { SSL_CERT_FILE: join(dir, 'ca.pem') };
    if (user !== undefined) {
      const netrc = join(go.root, 'home', '.netrc');
      await writeFile(netrc, `machine 127.0.0.1 login ${user} password ${password}\n`, {
        mode: 0o600,
      });
      env.NETRC = netrc;
    }
    const app = await go.newModule('example.com/app');
    await writeFile(
      join(app, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\n\t"git.corp.example/greeter"\n)\n\nfunc main() { fmt.Println(greeter.Hello()) }\n',
    );
    const get = await go.run(['get', 'git.corp.example/greeter@v1.0.0'], {
      proxy: modgate.url,
      cwd: app,
      env,
    });
    if (get.code !== 0) return { ok: false, stderr: get.stderr };
    const b = await go.run(['build', '-o', 'app', '.'], { proxy: modgate.url, cwd: app, env });
    assert.equal(b.code, 0, b.stderr);
    const { stdout } = await run(join(app, 'app'));
    return { ok: true, stderr: get.stderr, stdout };
  }

  test('a client with .netrc credentials builds a program using the private module', async () => {
    const r = await build('alice', 'alice-pw');
    assert.equal(r.ok, true, r.stderr);
    assert.equal(r.stdout, 'hello, team\n');
  });

  test('a client without credentials gets an authentication error', async () => {
    const r = await build();
    assert.equal(r.ok, false);
    assert.match(r.stderr, /401 Unauthorized/);
    assert.match(r.stderr, /authentication required/);
  });

  test('a user who may not read the private module gets "not found"', async () => {
    const r = await build('bob', 'bob-pw');
    assert.equal(r.ok, false);
    assert.match(r.stderr, /404 Not Found/);
    assert.doesNotMatch(r.stderr, /forbidden|may not read/i, 'nothing says the module exists');
    const wrong = await build('alice', 'not-her-password');
    assert.equal(wrong.ok, false);
    assert.match(wrong.stderr, /401 Unauthorized/);
  });

  test('SIGHUP puts a user added to the users file in force, without a restart', async () => {
    const pid = modgate.pid;
    await writeFile(
      join(dir, 'users.yaml'),
      usersYaml(`  carol:\n    password: "${bcrypt.hashSync('carol-pw', 4)}"\n    groups: [dev]\n`),
    );
    process.kill(pid, 'SIGHUP');
    // The reload is logged (by SIGHUP, or the file watcher if it saw the change first).
    for (let waited = 0; !/"msg":"users file reloaded"/.test(modgate.output()); waited += 25) {
      assert.ok(waited < 20_000, `no reload logged:\n${modgate.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.match(modgate.output(), /"signal":"SIGHUP"/);
    const r = await build('carol', 'carol-pw');
    assert.equal(r.ok, true, r.stderr);
    assert.equal(modgate.pid, pid, 'the same process');
    assert.equal(await healthz(), 200);
  });

  test('audit lines: user, client address (X-Forwarded-For from a trusted proxy), module, status', async () => {
    const basic = Buffer.from('alice:alice-pw').toString('base64');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${modgate.url}/git.corp.example/greeter/@v/v1.0.0.info`,
        { ca, headers: { authorization: `Basic ${basic}`, 'x-forwarded-for': '198.51.100.23' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
    const wanted = (l: Record<string, unknown>) =>
      l.module === 'git.corp.example/greeter' && l.version === 'v1.0.0';
    let lines: Record<string, unknown>[] = [];
    for (let waited = 0; ; waited += 50) {
      const text = await readFile(join(dir, 'audit.log'), 'utf8').catch(() => '');
      lines = text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      if (lines.some((l) => l.client === '198.51.100.23')) break;
      assert.ok(waited < 20_000, `audit line not written:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const summary = new Set(
      lines.filter(wanted).map((l) => `${String(l.user)} ${String(l.file)} ${String(l.status)}`),
    );
    for (const line of [
      'alice zip 200',
      'alice mod 200',
      'carol zip 200',
      'bob info 404',
      'null info 401',
    ]) {
      assert.ok(summary.has(line), `${line} in ${[...summary].join(', ')}`);
    }
    const forwarded = lines.find((l) => l.client === '198.51.100.23');
    assert.equal(forwarded?.user, 'alice');
    assert.equal(forwarded?.logger, 'audit');
    // Separate from the access log, and never a password anywhere.
    assert.doesNotMatch(modgate.output(), /"logger":"audit"/);
    assert.doesNotMatch(modgate.output() + JSON.stringify(lines), /alice-pw|bob-pw|carol-pw/);
  });

  test('a renewed certificate is served to new connections without a restart; open ones stay', async () => {
    const serial = () =>
      new Promise<PeerCertificate>((resolve, reject) => {
        const { port } = new URL(modgate.url);
        const socket = connect({ host: '127.0.0.1', port: Number(port), ca }, () => {
          resolve(socket.getPeerCertificate());
          socket.end();
        });
        socket.on('error', reject);
      });
    const before = (await serial()).serialNumber;
    // An open keep-alive connection from before the renewal.
    const kept = connect({ host: '127.0.0.1', port: Number(new URL(modgate.url).port), ca });
    await new Promise((resolve) => kept.once('secureConnect', resolve));
    await makeCertificates(dir, 'renewed');
    await writeFile(join(dir, 'server.key'), await readFile(join(dir, 'renewed.key')));
    await writeFile(join(dir, 'server.pem'), await readFile(join(dir, 'renewed.pem')));
    process.kill(modgate.pid, 'SIGHUP');
    for (let waited = 0; (await serial()).serialNumber === before; waited += 50) {
      assert.ok(waited < 20_000, 'the renewed certificate was not put in force');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      kept.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('\r\n\r\n')) resolve(text);
      });
      kept.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    assert.match(answer, /^HTTP\/1\.1 200/);
    kept.destroy();
    assert.equal(await healthz(), 200);
  });
});
