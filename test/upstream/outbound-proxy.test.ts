import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ModgateError } from '../../src/errors/index.js';
import { HttpClient } from '../../src/upstream/http-client.js';
import {
  outboundProxyFromEnv,
  parseProxyUrl,
  proxyFor,
} from '../../src/upstream/outbound-proxy.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const oracleDir = join(root, 'test', 'upstream', 'outbound-proxy-oracle');
const skipGo = spawnSync('go', ['version']).status === 0 ? false : 'needs the go command';

/** Environments × URLs compared with Go's http.ProxyFromEnvironment. */
const ENVS: Array<Record<string, string>> = [
  { HTTPS_PROXY: 'http://proxy.corp:3128', HTTP_PROXY: 'proxy.corp:8080' },
  { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2', http_proxy: 'http://low:3' },
  { HTTPS_PROXY: 'http://u:p%40ss@proxy.corp:3128', NO_PROXY: '*' },
  {
    HTTPS_PROXY: 'http://proxy.corp:3128',
    HTTP_PROXY: 'http://proxy.corp:3128',
    NO_PROXY:
      'corp.example, .only-subs.example,*.star.example,10.0.0.0/8, 192.168.1.5, 172.16.0.1:8443,' +
      'ported.example:8080,[2001:db8::1]:443,2001:db8:1::/48,  ,UPPER.Example',
  },
  { HTTP_PROXY: 'http://proxy.corp:3128' },
  { HTTPS_PROXY: 'https://secure-proxy.corp' },
];
const URLS = [
  'https://proxy.golang.org/x/@v/list',
  'http://proxy.golang.org/x/@v/list',
  'https://corp.example/m',
  'https://git.corp.example/m',
  'https://notcorp.example/m',
  'https://only-subs.example/m',
  'https://a.only-subs.example/m',
  'https://star.example/m',
  'https://b.star.example/m',
  'https://10.1.2.3/m',
  'https://11.1.2.3/m',
  'https://192.168.1.5/m',
  'https://192.168.1.6/m',
  'https://172.16.0.1:8443/m',
  'https://172.16.0.1/m',
  'http://ported.example:8080/m',
  'http://ported.example/m',
  'https://[2001:db8::1]/m',
  'https://[2001:db8::1]:8443/m',
  'https://[2001:db8:1::5]/m',
  'https://[2001:db8:2::5]/m',
  'https://upper.example/m',
  'https://localhost:3000/m',
  'https://127.0.0.1/m',
  'https://127.9.9.9:99/m',
  'https://[::1]/m',
  'http://localhost/m',
];

/** A proxy URL in one comparable form: scheme, user info, host and port. */
function norm(u: URL | undefined): string {
  if (u === undefined) return 'DIRECT';
  const port = u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80';
  const user =
    u.username === '' ? '' : `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}@`;
  return `${u.protocol}//${user}${u.hostname}:${port}`;
}

test('proxyFor agrees with Go http.ProxyFromEnvironment', { skip: skipGo }, () => {
  const work = mkdtempSync(join(tmpdir(), 'modgate-proxy-oracle-'));
  try {
    const bin = join(work, 'oracle');
    const build = spawnSync('go', ['build', '-o', bin, '.'], {
      cwd: oracleDir,
      env: { ...process.env, GO111MODULE: 'off', GOFLAGS: '' },
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, build.stderr);
    const failures: string[] = [];
    for (const env of ENVS) {
      const run = spawnSync(bin, {
        input: URLS.join('\n') + '\n',
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      const want = run.stdout.trim().split('\n');
      const settings = outboundProxyFromEnv(env);
      URLS.forEach((u, i) => {
        const goSays = want[i] === 'DIRECT' ? 'DIRECT' : norm(new URL(want[i]!));
        const weSay = norm(proxyFor(new URL(u), settings));
        if (goSays !== weSay) {
          failures.push(`${JSON.stringify(env)} ${u}: go ${goSays}, modgate ${weSay}`);
        }
      });
    }
    assert.deepEqual(failures, []);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('a malformed or unsupported proxy setting is refused naming the variable, not the value', () => {
  for (const [name, value] of [
    ['HTTPS_PROXY', 'socks5://user:hunter2@proxy:1080'],
    ['HTTP_PROXY', 'http://user:hunter2@[bad'],
  ] as const) {
    assert.throws(
      () => outboundProxyFromEnv({ [name]: value }),
      (err: unknown) =>
        err instanceof ModgateError &&
        err.kind === 'invalid' &&
        err.message.includes(name) &&
        !err.message.includes('hunter2'),
    );
  }
  assert.equal(parseProxyUrl('proxy.corp:3128', 'X').href, 'http://proxy.corp:3128/');
  assert.deepEqual(outboundProxyFromEnv({ HTTPS_PROXY: '' }), {
    httpProxy: undefined,
    httpsProxy: undefined,
    noProxy: undefined,
  });
});

describe('HttpClient through an HTTP proxy', () => {
  let origin: Server;
  let proxy: Server;
  let originPort = 0;
  let proxyPort = 0;
  const seen: Array<{ method: string; url: string; auth: string | undefined }> = [];
  let connectAnswer = 407;

  before(async () => {
    origin = createServer((req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end(`origin saw ${req.url ?? ''}`);
    });
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    originPort = (origin.address() as AddressInfo).port;
    // A forward proxy: absolute-form requests are passed on (every host name resolves to the
    // test origin, as if the proxy had DNS the client lacks); CONNECT gets `connectAnswer`.
    proxy = createServer((req, res) => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers['proxy-authorization'],
      });
      const target = new URL(req.url ?? '/');
      const fwd = httpRequest(
        { host: '127.0.0.1', port: originPort, path: target.pathname, method: req.method },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      fwd.end();
    });
    proxy.on('connect', (req, socket) => {
      seen.push({
        method: 'CONNECT',
        url: req.url ?? '',
        auth: req.headers['proxy-authorization'],
      });
      socket.end(`HTTP/1.1 ${connectAnswer} No\r\nContent-Length: 0\r\n\r\n`);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyPort = (proxy.address() as AddressInfo).port;
  });

  after(async () => {
    await new Promise((r) => origin.close(r));
    await new Promise((r) => proxy.close(r));
  });

  const client = (env: Record<string, string>) =>
    new HttpClient({
      connectTimeoutMs: 2000,
      maxConnections: 4,
      userAgent: 'modgate-test',
      proxy: outboundProxyFromEnv(env),
    });

  test('http URLs go to the proxy in absolute form, with the proxy credentials', async () => {
    seen.length = 0;
    const c = client({ HTTP_PROXY: `http://bob:s3cret@127.0.0.1:${proxyPort}` });
    try {
      const res = await c.get(new URL(`http://upstream.test:${originPort}/x/@v/list`), {
        signal: AbortSignal.timeout(5000),
        label: 'fetching list',
      });
      assert.equal(res.status, 200);
      const body: Buffer[] = [];
      for await (const chunk of res.body as AsyncIterable<Buffer>) body.push(chunk);
      assert.equal(Buffer.concat(body).toString(), 'origin saw /x/@v/list');
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.url, `http://upstream.test:${originPort}/x/@v/list`);
      assert.equal(seen[0]!.auth, 'Basic ' + Buffer.from('bob:s3cret').toString('base64'));
    } finally {
      await c.close();
    }
  });

  test('https URLs tunnel with CONNECT; a refusal is a clear error without the password', async () => {
    seen.length = 0;
    connectAnswer = 407;
    const c = client({ HTTPS_PROXY: `http://bob:s3cret@127.0.0.1:${proxyPort}` });
    try {
      await assert.rejects(
        c.get(new URL('https://proxy.example/x/@v/list'), {
          signal: AbortSignal.timeout(5000),
          label: 'fetching https://proxy.example/x/@v/list',
        }),
        (err: unknown) => {
          assert.ok(err instanceof ModgateError);
          assert.equal(err.kind, 'upstream');
          assert.match(
            err.message,
            /through proxy http:\/\/127\.0\.0\.1:\d+\): the proxy answered 407/,
          );
          assert.ok(!err.message.includes('s3cret') && !err.message.includes('bob'));
          return true;
        },
      );
      assert.deepEqual(
        seen.map((s) => [s.method, s.url]),
        [['CONNECT', 'proxy.example:443']],
      );
    } finally {
      await c.close();
    }
  });

  test('NO_PROXY and loopback targets connect directly', async () => {
    seen.length = 0;
    const c = client({
      HTTP_PROXY: `http://127.0.0.1:${proxyPort}`,
      NO_PROXY: 'upstream.test',
    });
    try {
      const direct = await c.get(new URL(`http://127.0.0.1:${originPort}/y`), {
        signal: AbortSignal.timeout(5000),
        label: 'direct',
      });
      direct.body.destroy();
      assert.equal(direct.status, 200);
      // upstream.test does not resolve here: going direct fails, and says nothing of a proxy.
      await assert.rejects(
        c.get(new URL(`http://upstream.test:${originPort}/z`), {
          signal: AbortSignal.timeout(5000),
          label: 'excluded host',
        }),
        (err: unknown) => err instanceof ModgateError && !err.message.includes('through proxy'),
      );
      assert.deepEqual(seen, []);
    } finally {
      await c.close();
    }
  });
});
