import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import { HttpClient } from '../../src/upstream/http-client.js';

const client = () =>
  new HttpClient({ connectTimeoutMs: 2000, maxConnections: 2, userAgent: 'modgate-test' });

async function failure(url: string): Promise<ModgateError> {
  const c = client();
  try {
    await c.get(new URL(url), { signal: AbortSignal.timeout(5000), label: `fetching ${url}` });
  } catch (err) {
    assert.ok(err instanceof ModgateError, String(err));
    return err;
  } finally {
    await c.close();
  }
  assert.fail('expected a failure');
}

test('connection failures say what happened in words, with the code', async () => {
  const closed = createNetServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const { port } = closed.address() as AddressInfo;
  await new Promise((r) => closed.close(r));
  const refused = await failure(`http://127.0.0.1:${port}/x`);
  assert.equal(refused.kind, 'upstream');
  assert.equal(
    refused.message,
    `fetching http://127.0.0.1:${port}/x: connection refused (ECONNREFUSED)`,
  );

  const hangup = createNetServer((socket) => socket.destroy());
  await new Promise<void>((r) => hangup.listen(0, '127.0.0.1', r));
  const hung = await failure(`http://127.0.0.1:${(hangup.address() as AddressInfo).port}/x`);
  await new Promise((r) => hangup.close(r));
  assert.match(
    hung.message,
    /: connection (closed by the other side \(UND_ERR_SOCKET\)|reset \(ECONNRESET\))$/,
  );
});

test('an untrusted TLS certificate names the problem and NODE_EXTRA_CA_CERTS', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'modgate-tls-'));
  try {
    const gen = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    if (gen.status !== 0) {
      t.skip('openssl could not make a certificate');
      return;
    }
    const server = createHttpsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => res.end('ok'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const err = await failure(`https://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
      assert.equal(err.kind, 'upstream');
      assert.match(
        err.message,
        /: TLS certificate not accepted \(DEPTH_ZERO_SELF_SIGNED_CERT\); .*NODE_EXTRA_CA_CERTS$/,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
