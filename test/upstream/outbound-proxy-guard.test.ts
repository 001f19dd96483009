import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HttpClient } from '../../src/upstream/http-client.js';
import { outboundProxyFromEnv } from '../../src/upstream/outbound-proxy.js';

const CHILD = fileURLToPath(new URL('./outbound-proxy-guard-child.js', import.meta.url));

/** Runs the child for `mode` in a fresh process (undici compiling its parser); its result. */
async function runChild(mode: 'http' | 'https'): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [CHILD, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The child bounds its own waits (5 s request deadline, 3 s close); this is the backstop.
    timeout: 60_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout) as Record<string, unknown>;
}

// Without the guard on ProxyAgent's connectors, the proxy's hang-up went unseen: the request
// waited for its deadline and HttpClient.close() never returned.

test('a proxy that hangs up on the first request of a process fails it at once (http URL)', async () => {
  const r = await runChild('http');
  assert.equal(r.outcome, 'error', JSON.stringify(r));
  assert.match(
    String(r.message),
    /^fetching list \(through proxy http:\/\/127\.0\.0\.1:\d+\): connection closed by the other side/,
  );
  assert.equal(r.closed, true, 'HttpClient.close() did not return');
});

test('a proxy that hangs up on the first CONNECT of a process is asked again (https URL)', async () => {
  const r = await runChild('https');
  assert.equal(r.outcome, 'error', JSON.stringify(r));
  // The second connection's answer, not the deadline.
  assert.match(String(r.message), /: the proxy answered 407/);
  assert.equal(r.connections, 2);
  assert.equal(r.closed, true, 'HttpClient.close() did not return');
});

test('a proxy that hangs up on every CONNECT fails the request, not asked again and again', async () => {
  // undici keeps requests waiting on a connect that failed with a socket error and connects
  // again at once: this proxy saw thousands of connections until the request's deadline.
  let connections = 0;
  const proxy = createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
    socket.once('data', () => socket.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const c = new HttpClient({
    connectTimeoutMs: 2000,
    maxConnections: 2,
    userAgent: 'modgate-test',
    proxy: outboundProxyFromEnv({ HTTPS_PROXY: proxyUrl }),
  });
  try {
    for (const path of ['a', 'b']) {
      await assert.rejects(
        c.get(new URL(`https://upstream.test/${path}`), { label: path, timeoutMs: 5000 }),
        (err: Error) => {
          assert.match(
            err.message,
            new RegExp(
              `^${path} \\(through proxy http://127\\.0\\.0\\.1:\\d+\\): ` +
                'the proxy closed the connection without answering$',
            ),
          );
          return true;
        },
      );
    }
    assert.ok(connections <= 2, `${connections} connections to the proxy`);
  } finally {
    await c.close();
    await new Promise((r) => proxy.close(r));
  }
});
