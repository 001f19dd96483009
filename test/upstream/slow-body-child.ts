/**
 * Run as a child process by http-client-faults.test.ts (a crash inside undici's parser cannot
 * be caught, so it must not happen in the test runner's process).
 *
 * argv[2]: JSON array of cases `{ mode, size, via }`. For each, a raw `node:net` server on
 * 127.0.0.1 answers with `size` body bytes framed by `mode`, and the body is read slowly (an
 * await per chunk, like the zip spool writer) through HttpClient (`via: 'client'`) or through
 * ProxyUpstream.zip (`via: 'zip'`). One JSON line per case goes to stdout:
 * `{ mode, size, via, outcome: 'complete' | 'error', bytes, sameBytes, kind?, message? }`.
 *
 * Modes:
 * - `close-delimited`: no Content-Length, the body ends when the server closes (legal HTTP/1.1).
 * - `length-close`: Content-Length and `Connection: close`, then FIN.
 * - `short`: Content-Length `size`, only half of the bytes, then FIN.
 * - `chunked-cut`: chunked, half of the bytes, then FIN without the last chunk.
 * - `reset`: Content-Length `size`, half of the bytes, then a TCP reset.
 */
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { HttpClient } from '../../src/upstream/http-client.js';
import { ProxyUpstream } from '../../src/upstream/proxy-upstream.js';

interface Case {
  mode: 'close-delimited' | 'length-close' | 'short' | 'chunked-cut' | 'reset';
  size: number;
  via: 'client' | 'zip';
}

const BLOCK = 64 * 1024;

/** Deterministic bytes: block i is filled from sha256(i), so a lost or repeated block shows. */
function block(i: number): Buffer {
  const seed = createHash('sha256').update(String(i)).digest();
  const out = Buffer.allocUnsafe(BLOCK);
  for (let o = 0; o < BLOCK; o += seed.length) seed.copy(out, o);
  return out;
}

function bodyHash(size: number): string {
  const h = createHash('sha256');
  for (let i = 0, left = size; left > 0; i++, left -= BLOCK) {
    h.update(block(i).subarray(0, Math.min(BLOCK, left)));
  }
  return h.digest('hex');
}

async function write(socket: Socket, data: Buffer | string): Promise<void> {
  if (!socket.write(data)) await new Promise((r) => socket.once('drain', r));
}

async function answer(socket: Socket, c: Case): Promise<void> {
  const send = c.mode === 'close-delimited' || c.mode === 'length-close' ? c.size : c.size >> 1;
  let head = 'HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\n';
  if (c.mode === 'chunked-cut') head += 'Transfer-Encoding: chunked\r\n';
  else if (c.mode !== 'close-delimited') head += `Content-Length: ${c.size}\r\n`;
  if (c.mode === 'close-delimited' || c.mode === 'length-close') head += 'Connection: close\r\n';
  await write(socket, head + '\r\n');
  for (let i = 0, left = send; left > 0; i++, left -= BLOCK) {
    const b = block(i).subarray(0, Math.min(BLOCK, left));
    if (c.mode === 'chunked-cut') await write(socket, `${b.length.toString(16)}\r\n`);
    await write(socket, b);
    if (c.mode === 'chunked-cut') await write(socket, '\r\n');
  }
  if (c.mode === 'reset') socket.resetAndDestroy();
  else socket.end();
}

async function readSlowly(body: Readable): Promise<{ bytes: number; hash: string }> {
  const h = createHash('sha256');
  let bytes = 0;
  let n = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    h.update(chunk);
    bytes += chunk.length;
    // Slower than loopback: the body's buffer fills, which is what pauses undici's parser.
    const pace = process.env.PACE ?? 'mixed';
    if (pace === 'sleep' || (pace === 'mixed' && ++n % 4 === 0)) await sleep(1);
    else await new Promise((r) => setImmediate(r));
  }
  return { bytes, hash: h.digest('hex') };
}

async function run(c: Case): Promise<Record<string, unknown>> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => {
      answer(socket, c).catch(() => socket.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new HttpClient({ connectTimeoutMs: 5000, maxConnections: 2, userAgent: 't' });
  const result: Record<string, unknown> = { ...c };
  try {
    let body: Readable;
    if (c.via === 'zip') {
      const upstream = new ProxyUpstream(base, client, {
        metadataTimeoutMs: 600_000,
        zipTimeoutMs: 600_000,
        maxZipBytes: 500 << 20,
        maxModBytes: 1 << 20,
        maxMetadataBytes: 1 << 20,
      });
      body = (await upstream.zip('example.com/m', 'v1.0.0', {})).stream;
    } else {
      const res = await client.get(new URL(`${base}/x`), {
        signal: new AbortController().signal,
        timeoutMs: 600_000,
        label: `fetching ${base}/x`,
      });
      body = res.body;
    }
    const got = await readSlowly(body);
    result.outcome = 'complete';
    result.bytes = got.bytes;
    result.sameBytes = got.bytes === c.size && got.hash === bodyHash(c.size);
  } catch (err) {
    result.outcome = 'error';
    result.kind = (err as { kind?: unknown }).kind;
    result.message = err instanceof Error ? err.message : String(err);
  } finally {
    await client.close();
    server.close();
  }
  return result;
}

const cases = JSON.parse(process.argv[2] ?? '[]') as Case[];
for (const c of cases) process.stdout.write(JSON.stringify(await run(c)) + '\n');
// Nothing may keep the process alive now (a 10-minute deadline timer that was not released
// would): if something does, say what and fail.
setTimeout(() => {
  process.stderr.write(`still alive: ${process.getActiveResourcesInfo().join(', ')}\n`);
  process.exit(3);
}, 10_000).unref();
