import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  pooledSendBuffers,
  SEND_CHUNK_BYTES,
  SendTimeoutError,
  sendStream,
} from '../../src/http/send-stream.js';
import { DiskStorage } from '../../src/storage/index.js';

/** A server whose one request is answered by `answer`; returns the URL and a closer. */
async function serve(answer: (res: ServerResponse) => void) {
  const server = createServer((_req, res) => answer(res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** The body of a GET of `url`, read at `pace` (ms between chunks); rejects if the exchange fails. */
function fetchBody(url: string, paceMs = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const c of res) {
          chunks.push(c as Buffer);
          if (paceMs > 0) await sleep(paceMs);
        }
        return Buffer.concat(chunks);
      })().then(resolve, reject);
    });
    req.on('error', reject);
  });
}

/** An endless source of 64 KiB chunks. */
function endless(): Readable {
  return new Readable({
    read() {
      this.push(Buffer.alloc(64 * 1024, 0x61));
    },
  });
}

test('a whole stream is sent and the promise resolves when the response is finished', async () => {
  const data = Buffer.alloc(3 << 20, 0x62);
  let sent: Promise<void> | undefined;
  const srv = await serve((res) => {
    res.setHeader('content-length', data.length);
    sent = sendStream(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), res);
  });
  try {
    const res = await new Promise<IncomingMessage>((resolve) => get(srv.url, resolve));
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    assert.ok(Buffer.concat(chunks).equals(data));
    await sent;
  } finally {
    srv.close();
  }
});

test('a client going away destroys the source and rejects with a premature close', () =>
  assertClientGoneReleases(endless()));

test('a source failure cuts the connection and rejects with the source error', async () => {
  let n = 0;
  const source = new Readable({
    read() {
      if (++n > 3) this.destroy(new Error('disk on fire'));
      else this.push(Buffer.alloc(1024, 0x63));
    },
  });
  let sent: Promise<void> | undefined;
  const srv = await serve((res) => {
    res.setHeader('content-length', 1 << 20);
    sent = sendStream(source, res);
    sent.catch(() => undefined); // asserted below, after the client saw the cut
  });
  try {
    const outcome = await new Promise<string>((resolve) => {
      const req = get(srv.url, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve('complete'));
        res.on('error', () => resolve('cut'));
        res.on('aborted', () => resolve('cut'));
      });
      req.on('error', () => resolve('cut'));
    });
    assert.equal(outcome, 'cut');
    await assert.rejects(sent ?? Promise.resolve(), /disk on fire/);
  } finally {
    srv.close();
  }
});

/**
 * A source that fills the caller's buffers (the shape of disk storage's openRead streams):
 * chunk i of `size` bytes is filled with the byte i, so a buffer refilled before the socket
 * was done with it shows up as wrong bytes. Read as a plain Readable it fails, so the tests
 * below prove sendStream took the buffer-filling way. Records every buffer it was given.
 */
class Filler extends Readable {
  readonly given = new Set<Buffer>();
  private position = 0;
  constructor(
    private readonly size: number,
    private readonly failAt = Infinity,
  ) {
    super();
  }
  get remaining(): number {
    return this.size - this.position;
  }
  async readInto(buffer: Buffer): Promise<number> {
    this.given.add(buffer);
    await new Promise((r) => setImmediate(r));
    if (this.position >= this.failAt) throw new Error('disk on fire');
    const n = Math.min(buffer.length, this.remaining);
    for (let i = 0; i < n; i++) buffer[i] = expectedByte(this.position + i);
    this.position += n;
    return n;
  }
  override _read(): void {
    this.destroy(new Error('read as a plain stream'));
  }
}

function expectedByte(offset: number): number {
  return (offset >> 16) & 0xff; // changes every 64 KiB: inside every buffer
}

test('a buffer-filling source goes through one reused buffer, never refilled too early', async () => {
  const size = 40 * SEND_CHUNK_BYTES + 12_345; // more than the socket buffers hold
  const source = new Filler(size);
  let sent: Promise<void> | undefined;
  const srv = await serve((res) => {
    res.setHeader('content-length', size);
    sent = sendStream(source, res);
  });
  try {
    // A slow reader: the socket fills up, so writes complete late.
    const body = await fetchBody(srv.url, 1);
    assert.equal(body.length, size);
    for (let i = 0; i < size; i += 4096) assert.equal(body[i], expectedByte(i), `byte ${i}`);
    await sent;
    assert.equal(source.given.size, 1, 'one buffer, reused');
    assert.ok(source.destroyed, 'the source is released at the end');
  } finally {
    srv.close();
  }
});

test('a socket destroyed right before a write ends the copy, and its buffers go back to the pool', async () => {
  // http drops a write to a destroyed socket without calling it back ('close' follows): the
  // copy must not wait for that callback forever.
  const size = 8 * SEND_CHUNK_BYTES;
  let response: ServerResponse | undefined;
  let reads = 0;
  const source = new (class extends Filler {
    override async readInto(buffer: Buffer): Promise<number> {
      const n = await super.readInto(buffer);
      if (++reads === 3) {
        const socket = response?.socket;
        while (socket && socket.writableLength > 0) await new Promise((r) => setImmediate(r));
        await new Promise((r) => setImmediate(r)); // the last write's callback has run
        socket?.destroy(); // as a client's reset seen just before the next write
      }
      return n;
    }
  })(size);
  const pooled = Math.max(pooledSendBuffers(), 1);
  let sent: Promise<void> | undefined;
  const srv = await serve((res) => {
    response = res;
    res.setHeader('content-length', size);
    sent = sendStream(source, res);
    sent.catch(() => undefined);
  });
  try {
    await fetchBody(srv.url).catch(() => undefined);
    await assert.rejects(sent ?? Promise.resolve());
    for (let i = 0; i < 1000 && pooledSendBuffers() < pooled; i++) await sleep(10); // <= 10 s
    assert.ok(pooledSendBuffers() >= pooled, 'the copy ended and gave its buffer back');
  } finally {
    srv.close();
  }
});

/** Sends `source` as the one response of a fresh server and reads it whole. */
async function sendOne(source: Filler, size: number): Promise<Buffer> {
  let sent: Promise<void> | undefined;
  const srv = await serve((res) => {
    res.setHeader('content-length', size);
    sent = sendStream(source, res);
    sent.catch(() => undefined);
  });
  try {
    const body = await fetchBody(srv.url).catch(() => Buffer.alloc(0));
    await sent?.catch(() => undefined);
    return body;
  } finally {
    srv.close();
  }
}

test('the send buffers of a finished response are reused by the next one (no garbage per download)', async () => {
  const size = 5 * SEND_CHUNK_BYTES + 7;
  const first = new Filler(size);
  assert.equal((await sendOne(first, size)).length, size);
  assert.ok(pooledSendBuffers() >= 1, 'the buffer went back to the pool');
  const second = new Filler(size);
  const body = await sendOne(second, size);
  assert.equal(body.length, size);
  for (let i = 0; i < size; i += 4096) assert.equal(body[i], expectedByte(i), `byte ${i}`);
  assert.equal(second.given.size, 1);
  for (const b of second.given) assert.ok(first.given.has(b), 'the same buffer (identity)');
});

test('after a failed read the buffer is reused (no write of it is in flight during a read)', async () => {
  const size = 5 * SEND_CHUNK_BYTES;
  const failing = new Filler(size, 2 * SEND_CHUNK_BYTES);
  assert.ok((await sendOne(failing, size)).length < size);
  const next = new Filler(size);
  const body = await sendOne(next, size);
  assert.equal(body.length, size);
  for (let i = 0; i < size; i += 4096) assert.equal(body[i], expectedByte(i), `byte ${i}`);
  for (const b of next.given) assert.ok(failing.given.has(b), "the failed response's buffer");
});

test('a buffer-filling source of one chunk or less uses one buffer of its size', async () => {
  const source = new Filler(1000);
  let sent: Promise<void> | undefined;
  const srv = await serve((res) => {
    res.setHeader('content-length', 1000);
    sent = sendStream(source, res);
  });
  try {
    assert.equal((await fetchBody(srv.url)).length, 1000);
    await sent;
    assert.deepEqual(
      [...source.given].map((b) => b.length),
      [1000],
    );
  } finally {
    srv.close();
  }
});

test('a buffer-filling source: the client going away releases it (premature close)', () =>
  assertClientGoneReleases(new Filler(1 << 30)));

test('a buffer-filling source failing cuts the connection and rejects with its error', async () => {
  const source = new Filler(4 * SEND_CHUNK_BYTES, 2 * SEND_CHUNK_BYTES);
  let sent: Promise<void> | undefined;
  const srv = await serve((res) => {
    res.setHeader('content-length', 4 * SEND_CHUNK_BYTES);
    sent = sendStream(source, res);
    sent.catch(() => undefined); // asserted below, after the client saw the cut
  });
  try {
    const outcome = await new Promise<string>((resolve) => {
      const req = get(srv.url, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve('complete'));
        res.on('error', () => resolve('cut'));
        res.on('aborted', () => resolve('cut'));
      });
      req.on('error', () => resolve('cut'));
    });
    assert.equal(outcome, 'cut');
    await assert.rejects(sent ?? Promise.resolve(), /disk on fire/);
    assert.ok(source.destroyed);
  } finally {
    srv.close();
  }
});

test('a file stored on disk is sent whole and by range through sendStream', async () => {
  const root = await mkdtemp(join(tmpdir(), 'modgate-send-stream-'));
  const storage = await DiskStorage.open(join(root, 'data'));
  try {
    const data = Buffer.alloc(2 * SEND_CHUNK_BYTES + 777);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
    const key = 'example.com/m/@v/v1.0.0.zip';
    await storage.putBytes(key, data);
    for (const range of [undefined, { start: 5, end: SEND_CHUNK_BYTES + 4 }]) {
      const opened = await storage.openRead(key, range);
      assert.ok(opened);
      const { stream } = opened;
      const srv = await serve((res) => void sendStream(stream, res));
      try {
        const want = range ? data.subarray(range.start, range.end + 1) : data;
        assert.ok((await fetchBody(srv.url)).equals(want));
        if (!stream.closed) await once(stream, 'close');
      } finally {
        srv.close();
      }
    }
  } finally {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('a file stored on disk, read synchronously: the client going away closes its descriptor', async () => {
  const root = await mkdtemp(join(tmpdir(), 'modgate-send-stream-'));
  const storage = await DiskStorage.open(join(root, 'data'));
  try {
    const key = 'example.com/m/@v/v1.0.0.zip';
    await storage.putBytes(key, Buffer.alloc(64 * SEND_CHUNK_BYTES, 0x64));
    const opened = await storage.openRead(key);
    assert.ok(opened);
    await assertClientGoneReleases(opened.stream); // 'close' comes once the file is closed
  } finally {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  }
});

/**
 * A client that goes away after the first bytes: the source is destroyed and sendStream
 * rejects with a premature close.
 */
async function assertClientGoneReleases(source: Readable): Promise<void> {
  let sent: Promise<void> | undefined;
  const srv = await serve((res) => {
    sent = sendStream(source, res);
    sent.catch(() => undefined); // asserted below
  });
  try {
    const req = get(srv.url, (res) => {
      res.once('data', () => req.destroy());
    });
    req.on('error', () => undefined);
    await once(source, 'close');
    assert.ok(source.destroyed);
    await assert.rejects(sent ?? Promise.resolve(), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
  } finally {
    srv.close();
  }
}

/**
 * server.send_timeout: a client that takes the response's first bytes, then stops reading.
 * Resolves with how sendStream's promise settled and whether the client's connection closed.
 */
async function stalledClient(source: Readable, timeoutMs: number): Promise<unknown> {
  let sent: Promise<void> | undefined;
  const srv = await serve((res) => {
    sent = sendStream(source, res, timeoutMs);
    sent.catch(() => undefined); // asserted below
  });
  try {
    let closed: Promise<unknown> | undefined;
    const res = await new Promise<IncomingMessage>((resolve) => {
      const req = get(srv.url, (r) => {
        r.once('data', () => {
          r.pause(); // the kernel's buffers fill; nothing more is read
          resolve(r);
        });
      });
      req.on('error', () => undefined);
      closed = once(req, 'close');
    });
    const outcome = await (sent ?? Promise.resolve()).then(
      () => 'resolved',
      (err: unknown) => err,
    );
    assert.ok(source.destroyed, 'the source is released');
    // Reading again, the client comes to the end of what was sent: the connection was cut.
    res.on('error', () => undefined);
    res.resume();
    await closed;
    assert.equal(res.complete, false, 'the body was cut short');
    return outcome;
  } finally {
    srv.close();
  }
}

test('a client that stops reading a buffer-filling download is cut after the send timeout', async () => {
  const outcome = await stalledClient(new Filler(1 << 30), 300);
  assert.ok(outcome instanceof SendTimeoutError, String(outcome));
  assert.equal(outcome.code, 'MODGATE_SEND_TIMEOUT');
  assert.match(outcome.message, /none of the answer for 0\.3 s \(server\.send_timeout\)/);
});

test('a client that stops reading a piped download is cut after the send timeout', async () => {
  const outcome = await stalledClient(endless(), 300);
  assert.ok(outcome instanceof SendTimeoutError, String(outcome));
});

/** A Filler whose second read takes `delayMs`: a slow disk, not a slow client. */
class SlowFiller extends Filler {
  private reads = 0;
  constructor(
    size: number,
    private readonly delayMs: number,
  ) {
    super(size);
  }
  override async readInto(buffer: Buffer): Promise<number> {
    if (++this.reads === 2) await sleep(this.delayMs);
    return super.readInto(buffer);
  }
}

test('time spent waiting on the source, not the client, never counts against the send timeout', async () => {
  const size = 3 * SEND_CHUNK_BYTES;
  const slowPiped = new Readable({ read() {} });
  slowPiped.push(Buffer.alloc(1000, 0x61));
  setTimeout(() => {
    slowPiped.push(Buffer.alloc(1000, 0x62));
    slowPiped.push(null);
  }, 1000).unref();
  for (const [source, length] of [
    [new SlowFiller(size, 1000), size],
    [slowPiped, 2000],
  ] as const) {
    let sent: Promise<void> | undefined;
    const srv = await serve((res) => {
      res.setHeader('content-length', length);
      sent = sendStream(source, res, 200);
    });
    try {
      assert.equal((await fetchBody(srv.url)).length, length);
      await sent; // resolves: the 1 s pause was the source's
    } finally {
      srv.close();
    }
  }
});

test('a slow but steady client is not cut by the send timeout', async () => {
  const size = 40 * SEND_CHUNK_BYTES;
  const source = new Filler(size);
  let sent: Promise<void> | undefined;
  const srv = await serve((res) => {
    res.setHeader('content-length', size);
    sent = sendStream(source, res, 2000);
  });
  try {
    assert.equal((await fetchBody(srv.url, 1)).length, size);
    await sent;
  } finally {
    srv.close();
  }
});
