/**
 * What upstreams do to modgate's HTTP client: legal answers that used to kill the process
 * (close-delimited bodies read slowly), deadlines that stopped once the headers arrived,
 * bodies cut short reaching consumers as raw socket errors. Every server here is a raw
 * `node:net` server on 127.0.0.1, so the bytes on the wire are exactly what the test says.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ModgateError } from '../../src/errors/index.js';
import { HttpClient } from '../../src/upstream/http-client.js';
import { ProxyUpstream } from '../../src/upstream/proxy-upstream.js';

// Node 20 collects an AbortSignal.timeout() that only AbortSignal.any() refers to: a test of a
// deadline must run the garbage collector while it waits, or it cannot see that bug.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CHILD = fileURLToPath(new URL('./slow-body-child.js', import.meta.url));
const MB = 1024 * 1024;

interface RawServer {
  base: string;
  close(): Promise<void>;
}

/** A raw server; `answer` gets each connection once its request has arrived. */
async function rawServer(answer: (socket: Socket) => void): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => answer(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Headers announcing `length` bytes, then `bytes` of the body, then `then`. */
function headersThen(
  length: number,
  then: 'stall' | 'trickle' | 'short',
): (socket: Socket) => void {
  return (socket) => {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${length}\r\n\r\n`);
    if (then === 'short') {
      socket.end(Buffer.alloc(length >> 1, 0x61));
      return;
    }
    socket.write(Buffer.alloc(10, 0x61));
    if (then === 'trickle') {
      // One byte every 100 ms: never silent for long, never done.
      const timer = setInterval(() => socket.write('a'), 100);
      socket.on('close', () => clearInterval(timer));
    }
  };
}

const client = (extra: { bodySilenceMs?: number } = {}) =>
  new HttpClient({
    connectTimeoutMs: 2000,
    maxConnections: 4,
    userAgent: 'modgate-test',
    ...extra,
  });

const limits = (metadataTimeoutMs: number, zipTimeoutMs: number) => ({
  metadataTimeoutMs,
  zipTimeoutMs,
  maxZipBytes: 100 * MB,
  maxModBytes: MB,
  maxMetadataBytes: MB,
});

/**
 * The failure `work` ends with, running the collector meanwhile; fails the test if it is still
 * running at `boundMs` (a generous bound: the deadline plus 5 s).
 */
async function failureWithin(boundMs: number, work: () => Promise<unknown>): Promise<ModgateError> {
  const gcTimer = setInterval(() => gc(), 50);
  let boundTimer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      work().then(
        () => ({ ok: true as const }),
        (err: unknown) => ({ ok: false as const, err }),
      ),
      new Promise<'bound'>((r) => (boundTimer = setTimeout(() => r('bound'), boundMs))),
    ]);
    assert.notEqual(outcome, 'bound', `still running after ${boundMs} ms`);
    if (outcome === 'bound' || outcome.ok) assert.fail('expected a failure');
    assert.ok(outcome.err instanceof ModgateError, `not a ModgateError: ${String(outcome.err)}`);
    return outcome.err;
  } finally {
    clearInterval(gcTimer);
    clearTimeout(boundTimer);
  }
}

async function drain(stream: NodeJS.ReadableStream): Promise<number> {
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) n += chunk.length;
  return n;
}

test('metadata_timeout bounds the whole .info request, body included', async () => {
  for (const then of ['stall', 'trickle'] as const) {
    const srv = await rawServer(headersThen(100_000, then));
    const c = client();
    try {
      const upstream = new ProxyUpstream(srv.base, c, limits(1000, 600_000));
      const err = await failureWithin(6000, () => upstream.info('example.com/m', 'v1.0.0', {}));
      assert.equal(err.kind, 'timeout', `${then}: ${err.message}`);
      assert.match(err.message, new RegExp(`^${srv.base}: example\\.com/m/@v/v1\\.0\\.0\\.info: `));
      assert.match(
        err.message,
        /timed out: no complete answer within 1s \(upstream_http\.metadata_timeout\)/,
      );
    } finally {
      await srv.close();
      await c.close();
    }
  }
});

test('zip_timeout bounds the zip body: the consumer gets a timeout error event', async () => {
  for (const then of ['stall', 'trickle'] as const) {
    const srv = await rawServer(headersThen(50 * MB, then));
    const c = client();
    try {
      const upstream = new ProxyUpstream(srv.base, c, limits(600_000, 1500));
      const source = await upstream.zip('example.com/m', 'v1.0.0', {});
      assert.equal(source.size, 50 * MB);
      const err = await failureWithin(6500, () => drain(source.stream));
      assert.equal(err.kind, 'timeout', `${then}: ${err.message}`);
      assert.match(
        err.message,
        new RegExp(
          `^${srv.base}: example\\.com/m@v1\\.0\\.0\\.zip: timed out: no complete answer within 1\\.5s \\(upstream_http\\.zip_timeout\\); \\d+ of ${50 * MB} bytes of the body had arrived$`,
        ),
      );
    } finally {
      await srv.close();
      await c.close();
    }
  }
});

test('a body that goes silent fails with timeout long before the deadline', async () => {
  const srv = await rawServer(headersThen(1000, 'stall'));
  const c = client({ bodySilenceMs: 500 });
  try {
    const res = await c.get(new URL(`${srv.base}/x`), { label: 'fetching x', timeoutMs: 600_000 });
    const err = await failureWithin(5500, () => drain(res.body));
    assert.equal(err.kind, 'timeout');
    assert.match(
      err.message,
      /^fetching x: timed out: the body stopped arriving for 500ms; 10 of 1000 bytes/,
    );
  } finally {
    await srv.close();
    await c.close();
  }
});

test("the caller's cancellation ends a body in progress", async () => {
  const srv = await rawServer(headersThen(1000, 'trickle'));
  const c = client();
  try {
    const ac = new AbortController();
    const upstream = new ProxyUpstream(srv.base, c, limits(600_000, 600_000));
    const source = await upstream.zip('example.com/m', 'v1.0.0', { signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    const err = await failureWithin(5300, () => drain(source.stream));
    assert.equal(err.kind, 'timeout');
    assert.match(err.message, /\.zip: request aborted; \d+ of 1000 bytes/);
  } finally {
    await srv.close();
    await c.close();
  }
});

test('a zip body cut short is an upstream error naming the URL, not a raw socket error', async () => {
  const srv = await rawServer(headersThen(200_000, 'short'));
  const c = client();
  try {
    const upstream = new ProxyUpstream(srv.base, c, limits(600_000, 600_000));
    const source = await upstream.zip('example.com/m', 'v1.0.0', {});
    const err = await failureWithin(5000, () => drain(source.stream));
    assert.equal(err.kind, 'upstream');
    assert.match(
      err.message,
      new RegExp(`^${srv.base}: example\\.com/m@v1\\.0\\.0\\.zip: .*100000 of 200000 bytes`),
    );
  } finally {
    await srv.close();
    await c.close();
  }
});

test('a body nobody reads cannot pile up in memory past maxBytes', async () => {
  // The parser is never paused, so unread bytes wait in memory: maxBytes bounds them.
  const srv = await rawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n');
    socket.end(Buffer.alloc(20 * MB, 0x61));
  });
  const c = client();
  try {
    const res = await c.get(new URL(`${srv.base}/x`), {
      label: 'fetching x',
      timeoutMs: 60_000,
      maxBytes: 2 * MB,
    });
    await new Promise((r) => setTimeout(r, 500)); // not reading
    assert.ok(res.body.readableLength <= 2 * MB, String(res.body.readableLength));
    const err = await failureWithin(5000, () => drain(res.body));
    assert.equal(err.kind, 'too-large');
    assert.equal(err.message, `fetching x: response larger than ${2 * MB} bytes`);
  } finally {
    await srv.close();
    await c.close();
  }
});

test('a body past maxBytes in the same read as its headers is an error, not a crash', async () => {
  // The cap is passed before get() has returned the body: destroy() then emits 'error' on the
  // next tick, before the caller can listen. Unheard, that error would end the process.
  const srv = await rawServer((socket) => {
    socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 8192\r\n\r\n${'m'.repeat(8192)}`);
  });
  const c = client();
  try {
    for (let i = 0; i < 20; i++) {
      const outcome = await c
        .get(new URL(`${srv.base}/x.mod`), { label: 'fetching x', timeoutMs: 5000, maxBytes: 4096 })
        .then((res) => drain(res.body))
        .then(
          (n) => `read ${n}`,
          (err: unknown) => (err instanceof ModgateError ? err.kind : String(err)),
        );
      assert.equal(outcome, 'too-large');
    }
  } finally {
    await srv.close();
    await c.close();
  }
});

test('the deadline is released with the body: no timer outlives a finished exchange', async () => {
  const body = Buffer.from('{"Version":"v1.0.0"}');
  const srv = await rawServer((socket) =>
    socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body.toString()}`),
  );
  const c = client();
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  try {
    const before = timers();
    const upstream = new ProxyUpstream(srv.base, c, limits(600_000, 600_000));
    const info = await upstream.info('example.com/m', 'v1.0.0', {});
    assert.equal(info.version, 'v1.0.0');
    const zipSource = await upstream.zip('example.com/m', 'v1.0.0', {});
    assert.equal(await drain(zipSource.stream), body.length);
    assert.ok(timers() <= before, `timers: ${before} before, ${timers()} after`);
  } finally {
    await srv.close();
    await c.close();
  }
});

/** Runs slow-body-child.js over `cases`; its exit status, stderr and one result per case. */
async function runChild(
  cases: Array<{ mode: string; size: number; via: 'client' | 'zip' }>,
): Promise<{ code: number | null; stderr: string; results: Array<Record<string, unknown>> }> {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(cases)], {
    env: { ...process.env, PACE: 'sleep' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A hang (or a timer that keeps the child alive) fails the test instead of stalling it.
    timeout: 300_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  const results = stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, stderr, results };
}

test('close-delimited and Connection: close bodies read slowly arrive whole, never crash', async () => {
  // 32 answers from 1 to 105 MB, both framings, through HttpClient and ProxyUpstream.zip.
  // Before the fix, undici's paused parser asserted on the FIN of most of these.
  const cases = Array.from({ length: 32 }, (_, i) => ({
    mode: i % 2 === 0 ? 'close-delimited' : 'length-close',
    size: Math.round(MB + ((i * 7919) % 32) * 3.25 * MB) + (i % 3),
    via: (i % 4 < 2 ? 'client' : 'zip') as 'client' | 'zip',
  }));
  cases[31]!.size = 105 * MB;
  const { code, stderr, results } = await runChild(cases);
  assert.doesNotMatch(stderr, /AssertionError|assert\(!this\.paused\)/);
  assert.equal(code, 0, stderr);
  assert.equal(results.length, cases.length);
  for (const r of results) {
    assert.equal(r.outcome, 'complete', JSON.stringify(r));
    assert.equal(r.sameBytes, true, JSON.stringify(r));
  }
});

test('truncated bodies read slowly end in an upstream error, never a hang or a crash', async () => {
  const cases = (['short', 'chunked-cut', 'reset'] as const).flatMap((mode) =>
    [3 * MB + 1, 20 * MB].flatMap((size) =>
      (['client', 'zip'] as const).map((via) => ({ mode, size, via })),
    ),
  );
  const { code, stderr, results } = await runChild(cases);
  assert.doesNotMatch(stderr, /AssertionError/);
  assert.equal(code, 0, stderr);
  assert.equal(results.length, cases.length);
  for (const r of results) {
    assert.equal(r.outcome, 'error', JSON.stringify(r));
    assert.equal(r.kind, 'upstream', JSON.stringify(r));
    assert.match(String(r.message), /^(fetching )?http:\/\/127\.0\.0\.1:\d+/, JSON.stringify(r));
  }
});
