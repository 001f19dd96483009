import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { ModgateError } from '../../src/errors/index.js';
import { HOLDBACK_BYTES, ZipDownload } from '../../src/service/zip-download.js';
import type { ZipSource } from '../../src/upstream/upstream.js';

/** Deterministic bytes (a hash chain), so two sources can agree or differ exactly. */
function bytes(n: number, seed: string): Buffer {
  const out = Buffer.alloc(n);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < n; i += block.length) {
    block.copy(out, i);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/**
 * A source sending `data` in 64 KiB chunks; with `failAt`, it errors once that many bytes were
 * sent, like a connection reset mid-body. `gate` holds the stream before `holdAt` bytes until
 * released, so a test can let a client read first.
 */
function source(
  data: Buffer,
  opts: {
    failAt?: number;
    size?: number;
    fallback?: () => Promise<ZipSource>;
    holdAt?: number;
    gate?: Promise<void>;
  } = {},
): ZipSource {
  const end = opts.failAt ?? data.length;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < end; i += 65536) {
      if (opts.holdAt !== undefined && i >= opts.holdAt && opts.gate) await opts.gate;
      yield data.subarray(i, Math.min(end, i + 65536));
      await new Promise((r) => setImmediate(r));
    }
    if (opts.failAt !== undefined) {
      throw new ModgateError('upstream', 'upstream A: connection reset (ECONNRESET)');
    }
  }
  const zip: ZipSource = { stream: Readable.from(chunks()) };
  const size = 'size' in opts ? opts.size : data.length;
  if (size !== undefined) zip.size = size;
  if (opts.fallback) zip.fallback = opts.fallback;
  return zip;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('ZipDownload: falling back to the next `|` upstream', () => {
  let spoolDir: string;
  before(async () => {
    spoolDir = await mkdtemp(join(tmpdir(), 'modgate-zipdl-'));
  });
  after(async () => {
    await rm(spoolDir, { recursive: true, force: true });
  });

  function start(first: ZipSource, refuse?: (data: Buffer) => boolean) {
    const committed: Buffer[] = [];
    const download = new ZipDownload(first, {
      spoolDir,
      verify: async (path) => {
        if (refuse?.(await readFile(path))) {
          throw new ModgateError('checksum', 'zip refused by the test gate');
        }
      },
      commit: async (path) => {
        committed.push(await readFile(path));
      },
    });
    return { download, committed };
  }

  test('a reset mid-body moves on to the fallback; the good zip is committed', async () => {
    const good = bytes(300_000, 'good');
    let opened = 0;
    const first = source(good, {
      failAt: 200_000,
      fallback: () => {
        opened++;
        return Promise.resolve(source(good));
      },
    });
    const { download, committed } = start(first);
    const reader = download.createReader();
    const [body] = await Promise.all([readAll(reader), download.finished]);
    assert.equal(opened, 1);
    assert.deepEqual(committed, [good]);
    assert.ok(body.equals(good));
  });

  test('without a fallback the first failure is the answer and nothing is committed', async () => {
    const good = bytes(300_000, 'good');
    const { download, committed } = start(source(good, { failAt: 100_000 }));
    await assert.rejects(download.finished, /connection reset/);
    assert.equal(download.status, 'failed');
    assert.deepEqual(committed, []);
  });

  test('a zip refused at verification (tampered) is fetched again from the fallback', async () => {
    const good = bytes(200_000, 'good');
    const tampered = Buffer.from(good);
    tampered[150_000] = (tampered[150_000] ?? 0) ^ 0xff;
    const first = source(tampered, { fallback: () => Promise.resolve(source(good)) });
    const { download, committed } = start(first, (data) => !data.equals(good));
    await download.finished;
    assert.deepEqual(committed, [good]);
  });

  test('a longer bad attempt leaves no trailing bytes behind the shorter good zip', async () => {
    const good = bytes(1_200_000, 'good');
    const junk = bytes(2_500_000, 'junk');
    const first = source(junk, {
      size: undefined,
      fallback: () => Promise.resolve(source(good)),
    });
    const { download, committed } = start(first, (data) => !data.equals(good));
    await download.finished;
    assert.equal(committed.length, 1);
    assert.ok(committed[0]?.equals(good), 'the committed zip is exactly the good one');
  });

  /**
   * A 3 MiB zip whose first source fails after 2 MiB + 192 KiB, once a client has read part of
   * it; the fallback sends `fallbackData`. Resolves with what the client got and what was
   * committed.
   */
  async function clientReadsThenFirstFails(good: Buffer, fallbackData: Buffer) {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const failAt = HOLDBACK_BYTES * 2 + 65536 * 3;
    const first = source(good, {
      failAt,
      holdAt: failAt - 65536,
      gate,
      fallback: () => Promise.resolve(source(fallbackData)),
    });
    const { download, committed } = start(first);
    await download.ready();
    const reader = download.createReader();
    const got: Buffer[] = [];
    let received = 0;
    const reading = (async () => {
      for await (const c of reader) {
        got.push(c as Buffer);
        received += (c as Buffer).length;
      }
    })().then(
      () => 'complete',
      () => 'cut',
    );
    // Let the client read what is releasable before the first source fails.
    while (received < HOLDBACK_BYTES / 2) await new Promise((r) => setTimeout(r, 5));
    release();
    const finished = await download.finished.then(
      () => 'committed',
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    return { client: await reading, got: Buffer.concat(got), finished, committed };
  }

  test('bytes a client already has are kept when the fallback agrees with them', async () => {
    const good = bytes(HOLDBACK_BYTES * 3, 'big');
    const r = await clientReadsThenFirstFails(good, good);
    assert.equal(r.finished, 'committed');
    assert.equal(r.client, 'complete');
    assert.ok(r.got.equals(good), 'the client got the whole zip, once');
    assert.deepEqual(r.committed, [good]);
  });

  test('a fallback that disagrees with bytes already sent fails the download', async () => {
    const good = bytes(HOLDBACK_BYTES * 3, 'big');
    const r = await clientReadsThenFirstFails(good, bytes(good.length, 'other'));
    assert.match(r.finished, /connection reset/);
    assert.equal(r.client, 'cut');
    assert.ok(r.got.length < good.length, 'the client never got a complete zip');
    assert.deepEqual(r.committed, []);
  });

  test('a fallback announcing another size than the Content-Length sent is not used', async () => {
    const size = HOLDBACK_BYTES * 2;
    const good = bytes(size, 'big');
    let opened = 0;
    const first = source(good, {
      failAt: HOLDBACK_BYTES + 65536 * 4,
      fallback: () => {
        opened++;
        return Promise.resolve(source(Buffer.concat([good, Buffer.from('x')])));
      },
    });
    const { download, committed } = start(first);
    await download.ready();
    assert.equal(download.size, size, 'the announced size, as a response would send it');
    await assert.rejects(download.finished, /connection reset/);
    assert.equal(opened, 1);
    assert.deepEqual(committed, []);
  });
});
