import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, get, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { sendStream } from '../../src/http/send-stream.js';

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
    const res = await new Promise<import('node:http').IncomingMessage>((resolve) =>
      get(srv.url, resolve),
    );
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    assert.ok(Buffer.concat(chunks).equals(data));
    await sent;
  } finally {
    srv.close();
  }
});

test('a client going away destroys the source and rejects with a premature close', async () => {
  const source = endless();
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
});

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
