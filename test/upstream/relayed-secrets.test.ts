/**
 * An upstream error page is quoted in modgate's error (clients, the go command's output and
 * logs see it). Servers that echo the request into that page must not get the credentials
 * modgate sent relayed: the upstream's userinfo, the outbound proxy's, the checksum
 * database's.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { HttpSumdbTransport } from '../../src/sumdb/client/http-transport.js';
import { ModgateError } from '../../src/errors/index.js';
import { HttpClient } from '../../src/upstream/http-client.js';
import { ProxyUpstream } from '../../src/upstream/proxy-upstream.js';

const limits = {
  metadataTimeoutMs: 10_000,
  zipTimeoutMs: 10_000,
  maxZipBytes: 1 << 20,
  maxModBytes: 1 << 20,
  maxMetadataBytes: 1 << 20,
};

/** A server answering `status` with a page that shows `extra`, then the request headers. */
async function echoServer(status: number, extra: (h: IncomingHttpHeaders) => string) {
  const server: Server = createServer((req, res) => {
    const lines = Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`);
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(`Denied. ${extra(req.headers)}\n${lines.join('\n')}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

/** What `auth` (a Basic header) decodes to, echoed in the forms a debugging page might use. */
function echoCredentials(h: IncomingHttpHeaders, name: string): string {
  const value = String(h[name] ?? '');
  const decoded = Buffer.from(value.replace(/^Basic /, ''), 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return [
    `you sent ${JSON.stringify({ [name]: value })} (${decoded}),`,
    `password=${encodeURIComponent(password)} or ${password}`,
    `\x1b]0;${value}\x07 token<${value.slice(6)}>`,
  ].join(' ');
}

async function failure(work: () => Promise<unknown>): Promise<ModgateError> {
  try {
    await work();
  } catch (err) {
    assert.ok(err instanceof ModgateError, String(err));
    return err;
  }
  assert.fail('expected a failure');
}

function assertNoSecret(message: string, secrets: string[]): void {
  for (const s of secrets) assert.ok(!message.includes(s), `${JSON.stringify(s)} in: ${message}`);
  assert.ok(!/[\x00-\x1f\x7f]/.test(message), `control characters in: ${JSON.stringify(message)}`);
}

const client = (proxy?: URL) =>
  new HttpClient({
    connectTimeoutMs: 2000,
    maxConnections: 2,
    userAgent: 'modgate-test',
    ...(proxy ? { proxy: { httpProxy: proxy, httpsProxy: proxy } } : {}),
  });

test("an upstream's 401 page echoing Authorization does not relay the credentials", async () => {
  const user = 'ci-bot';
  const password = 'gh0_s3cret/t0ken+x';
  const b64 = Buffer.from(`${user}:${password}`).toString('base64');
  const srv = await echoServer(401, (h) => echoCredentials(h, 'authorization'));
  const c = client();
  try {
    const base = `http://127.0.0.1:${srv.port}`;
    const upstream = new ProxyUpstream(
      `http://${user}:${encodeURIComponent(password)}@127.0.0.1:${srv.port}/`,
      c,
      limits,
    );
    const err = await failure(() => upstream.list('example.com/m', {}));
    assert.equal(err.kind, 'upstream');
    assertNoSecret(err.message, [password, b64, encodeURIComponent(password), b64.slice(0, 12)]);
    assert.match(
      err.message,
      new RegExp(`^${base}: example\\.com/m/@v/list: 401: Denied\\. you sent `),
    );
    assert.match(err.message, /\[redacted\]/);
    const label = `${base}: example.com/m/@v/list: 401: `;
    assert.ok(err.message.length <= label.length + 300, String(err.message.length));
  } finally {
    await srv.close();
    await c.close();
  }
});

test("a proxy's error page echoing Proxy-Authorization does not relay the proxy's credentials", async () => {
  const password = 'pr0xy-pa55word';
  const b64 = Buffer.from(`squid:${password}`).toString('base64');
  const proxy = await echoServer(502, (h) => echoCredentials(h, 'proxy-authorization'));
  const c = client(new URL(`http://squid:${password}@127.0.0.1:${proxy.port}`));
  try {
    // Not a loopback host, so the request goes through the proxy (which answers it itself).
    const upstream = new ProxyUpstream('http://goproxy.corp.test', c, limits);
    const err = await failure(() => upstream.list('example.com/m', {}));
    assert.equal(err.kind, 'upstream');
    assertNoSecret(err.message, [password, b64, b64.slice(0, 12)]);
    assert.match(err.message, /^http:\/\/goproxy\.corp\.test: example\.com\/m\/@v\/list: 502: /);
    assert.match(err.message, /\[redacted\]/);
  } finally {
    await proxy.close();
    await c.close();
  }
});

test("a checksum database's error page does not relay the credentials either", async () => {
  const password = 'sumdb-t0ken-99';
  const b64 = Buffer.from(`reader:${password}`).toString('base64');
  const srv = await echoServer(403, (h) => echoCredentials(h, 'authorization'));
  const c = client();
  try {
    const transport = new HttpSumdbTransport(
      `http://reader:${password}@127.0.0.1:${srv.port}/sumdb/sum.golang.org`,
      c,
    );
    const err = await failure(() => transport.get('/latest'));
    assert.equal(err.kind, 'upstream');
    assertNoSecret(err.message, [password, b64, b64.slice(0, 12)]);
    assert.match(
      err.message,
      new RegExp(
        `^reading http://127\\.0\\.0\\.1:${srv.port}/sumdb/sum\\.golang\\.org/latest: 403 Forbidden: Denied\\.`,
      ),
    );
    assert.match(err.message, /\[redacted\]/);
  } finally {
    await srv.close();
    await c.close();
  }
});
