import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { clientConfig } from '../../src/app/client-config.js';
import { loadConfig } from '../../src/config/index.js';
import { applyGoEnvChanges, collectGoEnvChanges } from '../../src/doctor/apply-go-env-changes.js';
import { clientConfigCheck } from '../../src/doctor/checks/server/client-config-check.js';
import { ClientConfigServer } from './client-config-server.js';
import { DoctorSandbox, findingsOf, oneFinding } from './doctor-sandbox.js';

// The server layer of `modgate doctor` (issue 10): the machine against the company modgate's
// /.well-known/modgate/client-config, served here from the real clientConfig() of a loaded
// configuration by a small node:http server on 127.0.0.1.

let sandbox: DoctorSandbox;
let config: ClientConfigServer;
let dir: string;

before(async () => {
  sandbox = await DoctorSandbox.create();
  const served = clientConfig(
    loadConfig({
      cwd: '/srv',
      env: {
        MODGATE_SERVER_PUBLIC_URL: 'https://modgate.corp.example',
        MODGATE_PRIVATE: 'corp.example.com,*.git.corp.example',
      },
    }),
    { hostName: 'h' },
  );
  config = await ClientConfigServer.start(served);
  dir = await sandbox.module('app', { 'go.mod': 'module corp.example.com/app\n\ngo 1.19\n' });
});
after(async () => {
  await config.close();
  await sandbox.cleanup();
});

describe('doctor server check', () => {
  test('without --server it is skipped', async () => {
    const f = await oneFinding(clientConfigCheck, await sandbox.context(dir, sandbox.env()));
    assert.equal(f.status, 'skip');
    assert.match(f.summary, /--server URL or MODGATE_SERVER/);
  });

  test('a machine that disagrees: GOPROXY and GONOSUMDB fail with the go env -w lines; --fix makes them agree', async () => {
    const goenv = join(sandbox.root, 'goenv-server');
    await writeFile(goenv, 'GOPRIVATE=corp.example.com\n');
    const env = sandbox.env({ GOENV: goenv });
    const ctx = await sandbox.context(dir, env, { server: config.url });
    const found = await findingsOf(clientConfigCheck, ctx);
    const by = new Map(found.map((f) => [f.subject, f]));
    assert.equal(by.get('GOPROXY')?.status, 'fail');
    assert.equal(
      by.get('GOPROXY')?.summary,
      'GOPROXY=https://proxy.golang.org,direct does not start with the company modgate https://modgate.corp.example',
    );
    assert.deepEqual(by.get('GOPROXY')?.fix, [
      'go env -w GOPROXY=https://modgate.corp.example,off',
    ]);
    assert.equal(by.get('GONOSUMDB')?.status, 'fail');
    assert.match(
      by.get('GONOSUMDB')?.summary ?? '',
      /^the company's private patterns \*\.git\.corp\.example is not in GONOSUMDB \(nor GOPRIVATE\)$/,
    );
    assert.deepEqual(by.get('GONOSUMDB')?.fix, [
      "go env -w 'GONOSUMDB=corp.example.com,*.git.corp.example'",
    ]);
    assert.equal(by.get('GOSUMDB')?.status, 'ok');

    const applied = await applyGoEnvChanges(collectGoEnvChanges(found), ctx);
    assert.deepEqual(
      applied.map((a) => [a.command, a.ok]),
      [
        ['go env -w GOPROXY=https://modgate.corp.example,off', true],
        ["go env -w 'GONOSUMDB=corp.example.com,*.git.corp.example'", true],
      ],
    );
    // The real go command reads the new values back from the GOENV file.
    const back = await sandbox.go(['env', 'GOPROXY', 'GONOSUMDB'], dir, env);
    assert.equal(
      back.stdout,
      'https://modgate.corp.example,off\ncorp.example.com,*.git.corp.example\n',
    );
    const again = await findingsOf(
      clientConfigCheck,
      await sandbox.context(dir, env, { server: config.url }),
    );
    assert.deepEqual(
      again.map((f) => f.status),
      ['ok', 'ok', 'ok'],
    );
  });

  test('a modgate that does not answer, or answers something else, fails with the reason', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const refused = await oneFinding(
      clientConfigCheck,
      await sandbox.context(dir, sandbox.env(), { server: `http://127.0.0.1:${closed}` }),
    );
    assert.equal(refused.status, 'fail');
    assert.match(
      refused.summary,
      /cannot read the company modgate's client settings: cannot read .*: ECONNREFUSED/,
    );
    const other = await ClientConfigServer.start({
      url: 'https://x.example',
      goproxy: 'https://x.example',
    });
    try {
      const wrong = await oneFinding(
        clientConfigCheck,
        await sandbox.context(dir, sandbox.env(), { server: `${other.url}/` }),
      );
      assert.equal(wrong.status, 'fail');
      assert.match(wrong.summary, /is not a modgate client-config: private/);
      other.status = 404;
      const missing = await oneFinding(
        clientConfigCheck,
        await sandbox.context(dir, sandbox.env(), { server: other.url }),
      );
      assert.match(missing.summary, /answered 404$/);
    } finally {
      await other.close();
    }
  });

  test('a modgate that never answers: the probe gives up at its bound', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const ctx = await sandbox.context(dir, sandbox.env(), {
        server: `http://127.0.0.1:${port}`,
        probeTimeoutMs: 2000,
      });
      const f = await oneFinding(clientConfigCheck, ctx);
      assert.equal(f.status, 'fail');
      assert.match(f.summary, /no answer within 2000 ms$/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('--offline: the company modgate is not asked', async () => {
    const before = config.requests;
    const f = await oneFinding(
      clientConfigCheck,
      await sandbox.context(dir, sandbox.env(), { server: config.url, offline: true }),
    );
    assert.equal(f.status, 'skip');
    assert.equal(config.requests, before);
  });
});
