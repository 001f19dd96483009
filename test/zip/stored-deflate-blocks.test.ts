import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ModgateError } from '../../src/errors/index.js';
import { checkZipBytes, checkZipFile } from '../../src/zip/files/index.js';
import {
  StoredBlockScanner,
  deflateWindow,
  storedDeflateBlocks,
} from '../../src/zip/stored-deflate-blocks.js';
import { buildRawZip, type RawZipEntry } from '../support/write-raw-zip.js';

/** One stored block: header byte, LEN, NLEN, the bytes. */
function storedBlock(data: Buffer, final: boolean, nlen?: number): Buffer {
  const head = Buffer.alloc(5);
  head[0] = final ? 1 : 0;
  head.writeUInt16LE(data.length, 1);
  head.writeUInt16LE(nlen ?? data.length ^ 0xffff, 3);
  return Buffer.concat([head, data]);
}

/** The stream's output: its stored blocks, then the rest inflated with their window. */
function output(stream: Buffer, max: number): Buffer | undefined {
  const blocks = storedDeflateBlocks(stream, max);
  if (blocks === undefined) return undefined;
  if (blocks.rest < 0) return Buffer.concat(blocks.views);
  const rest = inflateRawSync(stream.subarray(blocks.rest), {
    dictionary: deflateWindow(blocks.views),
  });
  return Buffer.concat([...blocks.views, rest]);
}

describe('storedDeflateBlocks', () => {
  test('incompressible data deflated by zlib is read as views of the stream, byte for byte', () => {
    for (const size of [1000, 16_384, 65_535, 65_536, 200_001]) {
      const data = randomBytes(size);
      const deflated = deflateRawSync(data);
      const blocks = storedDeflateBlocks(deflated, size);
      assert.ok(blocks !== undefined, `size ${size}`);
      for (const v of blocks.views) assert.equal(v.buffer, deflated.buffer, 'a view, not a copy');
      assert.equal(blocks.output, Buffer.concat(blocks.views).length);
      assert.ok(output(deflated, size)?.equals(data), `size ${size}`);
    }
  });

  test('a compressed block after stored ones is the rest, inflated with their window', () => {
    const data = Buffer.concat([randomBytes(100_000), Buffer.alloc(5000, 'a')]);
    // A repeat of bytes well back in the stored part: only the window resolves it.
    data.copy(data, 103_000, 90_000, 91_000);
    const deflated = deflateRawSync(data);
    const blocks = storedDeflateBlocks(deflated, data.length);
    assert.ok(blocks !== undefined && blocks.rest > 0);
    assert.ok(output(deflated, data.length)?.equals(data));
    assert.throws(() => inflateRawSync(deflated.subarray(blocks.rest)), /too far back/);
  });

  test('a stream that starts compressed is left to zlib', () => {
    assert.equal(storedDeflateBlocks(deflateRawSync(Buffer.alloc(10_000, 'a')), 10_000), undefined);
    assert.equal(storedDeflateBlocks(deflateRawSync(Buffer.alloc(0)), 0), undefined);
  });

  test('what is not exactly a well-formed stored stream is left to zlib', () => {
    const data = randomBytes(100);
    assert.equal(storedDeflateBlocks(storedBlock(data, true, 0x1234), 100), undefined, 'bad NLEN');
    const whole = storedBlock(data, true);
    assert.equal(storedDeflateBlocks(whole.subarray(0, 50), 100), undefined, 'truncated data');
    assert.equal(storedDeflateBlocks(whole.subarray(0, 3), 100), undefined, 'truncated header');
    assert.equal(storedDeflateBlocks(storedBlock(data, false), 100), undefined, 'no final block');
    assert.equal(storedDeflateBlocks(Buffer.alloc(0), 100), undefined, 'empty');
    assert.equal(storedDeflateBlocks(whole, 99), undefined, 'more than maxOutput');
  });

  test('bytes after the final block are not output (as zlib and Go ignore them)', () => {
    const data = randomBytes(100);
    const stream = Buffer.concat([
      storedBlock(data.subarray(0, 40), false),
      storedBlock(Buffer.alloc(0), false),
      storedBlock(data.subarray(40), true),
      Buffer.from('trailing'),
    ]);
    const blocks = storedDeflateBlocks(stream, 100);
    assert.equal(blocks?.rest, -1);
    assert.ok(output(stream, 100)?.equals(data));
  });

  test('the window is the last 32 KiB of output, across views', () => {
    const views = [randomBytes(20_000), randomBytes(5), randomBytes(20_000)];
    const all = Buffer.concat(views);
    assert.ok(deflateWindow(views).equals(all.subarray(all.length - 32 * 1024)));
    assert.ok(deflateWindow([views[1] as Buffer]).equals(views[1] as Buffer));
    assert.equal(deflateWindow([]).length, 0);
  });
});

describe('StoredBlockScanner', () => {
  /** Feeds `stream` in pieces of the given sizes (cycled); the output and where it stopped. */
  function scan(stream: Buffer, sizes: number[], max: number) {
    const scanner = new StoredBlockScanner(max);
    const out: Buffer[] = [];
    for (let at = 0, k = 0; at < stream.length; k++) {
      const n = sizes[k % sizes.length] as number;
      out.push(...scanner.feed(stream.subarray(at, at + n)));
      at += n;
    }
    return { output: Buffer.concat(out), scanner };
  }

  test('gives what storedDeflateBlocks gives, however the stream is cut', () => {
    const mixed = Buffer.concat([randomBytes(100_000), Buffer.alloc(5000, 'a')]);
    for (const data of [randomBytes(200_001), randomBytes(16_384), mixed]) {
      const stream = deflateRawSync(data);
      const whole = storedDeflateBlocks(stream, data.length);
      assert.ok(whole !== undefined);
      for (const sizes of [[1], [3, 7], [5], [4096], [65_540, 2], [stream.length]]) {
        const { output, scanner } = scan(stream, sizes, data.length);
        assert.ok(output.equals(Buffer.concat(whole.views)), `cut ${sizes.join(',')}`);
        assert.equal(scanner.handover, whole.rest, `cut ${sizes.join(',')}`);
        assert.equal(scanner.complete, whole.rest < 0);
      }
    }
  });

  test('hands over at a block that is not a well-formed stored one', () => {
    const data = randomBytes(100);
    const first = storedBlock(data.subarray(0, 30), false);
    const cases: [Buffer, number][] = [
      [deflateRawSync(Buffer.alloc(1000, 'a')), 0],
      [Buffer.concat([first, storedBlock(data.subarray(30), true, 0x1234)]), first.length],
      [Buffer.concat([first, Buffer.from([0x03, 0x00])]), first.length],
    ];
    for (const [stream, at] of cases) {
      for (const sizes of [[1], [2], [stream.length]]) {
        const { scanner } = scan(stream, sizes, 1000);
        assert.equal(scanner.handover, at);
        assert.equal(scanner.complete, false);
      }
    }
    // More output than allowed: handed over at that block (zlib then finds it too large).
    const { scanner, output } = scan(Buffer.concat([first, storedBlock(data, true)]), [7], 99);
    assert.equal(scanner.handover, first.length);
    assert.equal(output.length, 30);
  });

  test('a stream that ends inside a block is neither complete nor handed over', () => {
    const stream = storedBlock(randomBytes(100), true);
    const { scanner, output } = scan(stream.subarray(0, 50), [7], 100);
    assert.equal(scanner.complete, false);
    assert.equal(scanner.handover, -1);
    assert.equal(output.length, 45);
  });
});

describe('checkZipBytes on incompressible entries (read as stored blocks)', () => {
  const work = mkdtempSync(join(tmpdir(), 'modgate-stored-blocks-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  const prefix = 'example.com/m@v1.0.0/';
  const blob = randomBytes(700_000);
  let n = 0;
  /** Checks the zip in memory and on disk: the same hash or the same error. */
  async function both(entries: RawZipEntry[]): Promise<string | ModgateError> {
    const zip = buildRawZip(entries);
    const file = join(work, `z${n++}.zip`);
    writeFileSync(file, zip);
    const outcome = (p: Promise<{ hash: string }>): Promise<string | ModgateError> =>
      p.then(
        (c) => c.hash,
        (err: unknown) => {
          assert.ok(err instanceof ModgateError, String(err));
          return err;
        },
      );
    const inMemory = await outcome(checkZipBytes(zip, 'example.com/m', 'v1.0.0'));
    const onDisk = await outcome(checkZipFile(file, 'example.com/m', 'v1.0.0'));
    if (typeof inMemory === 'string') assert.equal(inMemory, onDisk);
    else {
      assert.ok(onDisk instanceof ModgateError);
      assert.equal(inMemory.message, onDisk.message);
      assert.equal(inMemory.kind, onDisk.kind);
    }
    return inMemory;
  }

  test('the same h1 as from disk, for large and small entries', async () => {
    const hash = await both([
      { name: `${prefix}go.mod`, data: 'module example.com/m\n' },
      { name: `${prefix}blob.bin`, data: blob },
      { name: `${prefix}small.bin`, data: blob.subarray(0, 3000) },
    ]);
    assert.match(String(hash), /^h1:/);
  });

  test('the same h1 as from disk where zlib ended the stored blocks with a compressed one', async () => {
    const mixed = Buffer.concat([blob.subarray(0, 65_535), Buffer.alloc(3000, 'z')]);
    mixed.copy(mixed, 66_000, 50_000, 51_000);
    const hash = await both([
      { name: `${prefix}a.bin`, data: blob.subarray(0, 16_384) },
      { name: `${prefix}b.bin`, data: mixed },
    ]);
    assert.match(String(hash), /^h1:/);
  });

  test('large entries from disk: stored blocks, then the rest inflated with their window', async () => {
    const big = randomBytes(1_500_000);
    // Stored blocks, then a compressed rest over 512 KiB that refers back into them.
    const mixed = Buffer.concat([big.subarray(0, 600_000), Buffer.alloc(700_000, 'q')]);
    mixed.copy(mixed, 650_000, 590_000, 599_000);
    const hash = await both([
      { name: `${prefix}big.bin`, data: big },
      { name: `${prefix}mixed.bin`, data: mixed },
      { name: `${prefix}text.txt`, data: Buffer.alloc(900_000, 'text ') },
      { name: `${prefix}stored.bin`, data: big.subarray(0, 800_000), method: 0 },
    ]);
    assert.match(String(hash), /^h1:/);
  });

  test('a compressed rest right after a read boundary refers back into the read before', async () => {
    // Stored blocks of 10,000 bytes up to just past the first 256 KiB read, then a compressed
    // final block copying output from ~20,000 bytes back: its window spans two reads.
    const head = randomBytes(270_000);
    const blocks: Buffer[] = [];
    for (let at = 0; at < head.length; at += 10_000) {
      blocks.push(storedBlock(head.subarray(at, at + 10_000), false));
    }
    const tail = Buffer.concat(Array.from({ length: 60 }, () => head.subarray(250_000, 260_000)));
    const window = head.subarray(head.length - 32 * 1024);
    const rest = deflateRawSync(tail, { dictionary: window });
    const data = Buffer.concat([head, tail]);
    assert.ok(inflateRawSync(Buffer.concat([...blocks, rest])).equals(data));
    const hash = await both([
      { name: `${prefix}w.bin`, data, deflated: Buffer.concat([...blocks, rest]) },
    ]);
    assert.match(String(hash), /^h1:/);
  });

  test('large entries from disk with lying sizes, CRCs or truncated data are refused', async () => {
    const big = randomBytes(1_500_000);
    const mixed = Buffer.concat([big.subarray(0, 600_000), Buffer.alloc(700_000, 'q')]);
    const cases: [RawZipEntry, RegExp][] = [
      [{ name: `${prefix}b`, data: big, declaredSize: big.length + 1 }, /smaller than/],
      [{ name: `${prefix}b`, data: big, declaredSize: big.length - 1 }, /larger than/],
      [{ name: `${prefix}b`, data: big, declaredSize: 1_000_000 }, /larger than/],
      [{ name: `${prefix}b`, data: big, crc: 1234 }, /checksum error/],
      [{ name: `${prefix}b`, data: big, truncate: 10 }, /not a valid zip/],
      [{ name: `${prefix}b`, data: mixed, declaredSize: mixed.length - 1 }, /larger than/],
      [{ name: `${prefix}b`, data: mixed, crc: 1234 }, /checksum error/],
    ];
    for (const [entry, re] of cases) {
      const got = await both([entry]);
      assert.ok(got instanceof ModgateError, String(got));
      assert.match(got.message, re);
    }
  });

  test('lying sizes and CRCs are refused as from disk', async () => {
    const cases: [RawZipEntry, RegExp][] = [
      [{ name: `${prefix}b`, data: blob, declaredSize: blob.length + 1 }, /smaller than/],
      [{ name: `${prefix}b`, data: blob, declaredSize: blob.length - 1 }, /larger than/],
      [{ name: `${prefix}b`, data: blob, crc: 1234 }, /checksum error/],
      [{ name: `${prefix}b`, data: blob, truncate: 10 }, /not a valid zip/],
      [{ name: `${prefix}b`, data: blob.subarray(0, 65_535), declaredSize: 65_534 }, /larger/],
      [{ name: `${prefix}b`, data: blob.subarray(0, 65_535), declaredSize: 65_536 }, /smaller/],
      [{ name: `${prefix}b`, data: blob.subarray(0, 65_535), truncate: 2 }, /not a valid zip/],
    ];
    for (const [entry, re] of cases) {
      const got = await both([entry]);
      assert.ok(got instanceof ModgateError, String(got));
      assert.match(got.message, re);
    }
  });
});
