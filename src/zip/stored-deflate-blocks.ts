/**
 * The stored blocks a raw DEFLATE stream (RFC 1951) starts with, read without inflating: the
 * views of `data` that are their output. Incompressible content (random bytes, images,
 * archives, binaries) is what a deflater writes as stored blocks — zlib and Go's
 * compress/flate both store a block that would not shrink — so checking and hashing such an
 * entry needs no zlib call, no output buffer and no copy for those bytes: they are already in
 * the zip. zlib often ends such a stream with a short compressed block (the last bytes); the
 * caller inflates that rest, with the output so far as the window it may refer back to.
 *
 * Only what is unambiguous is read: from the first byte, stored blocks (BTYPE 00, LEN and
 * NLEN complementary, the bytes within `data`, at most `maxOutput` bytes in all), up to the
 * final one or to the first block that is not stored. Anything else — the first block
 * compressed, a bad NLEN, a truncated stream, too much output — gives `undefined`, and the
 * caller inflates the whole stream with zlib as usual (which reports what is wrong, exactly
 * as before). As with zlib and Go's flate reader, bytes after the final block are no output.
 *
 * A stored block's header is three bits (BFINAL, then BTYPE 00) in a byte whose other bits
 * are padding, then LEN and NLEN (16 bits each, little-endian), then LEN bytes; the next block
 * starts on the byte after them, at its bit 0. The first block starts at bit 0 of byte 0.
 */
export interface StoredBlocks {
  /** The stored blocks' output, in order: views of `data`, not copies (empty ones left out). */
  readonly views: Buffer[];
  /** Their total length. */
  readonly output: number;
  /**
   * Where the rest of the stream starts (a block that is not stored, at bit 0 of this byte),
   * or -1 when the final block was stored: the stream is complete.
   */
  readonly rest: number;
}

export function storedDeflateBlocks(data: Buffer, maxOutput: number): StoredBlocks | undefined {
  const views: Buffer[] = [];
  let pos = 0;
  let output = 0;
  for (;;) {
    if (pos >= data.length) return undefined;
    const header = data[pos] ?? 0;
    if ((header & 0b110) !== 0) {
      // BTYPE is not 00: a compressed block. Worth a split only after stored ones.
      return pos === 0 ? undefined : { views, output, rest: pos };
    }
    if (pos + 5 > data.length) return undefined;
    const len = (data[pos + 1] ?? 0) | ((data[pos + 2] ?? 0) << 8);
    const nlen = (data[pos + 3] ?? 0) | ((data[pos + 4] ?? 0) << 8);
    if ((len ^ 0xffff) !== nlen) return undefined;
    const start = pos + 5;
    const end = start + len;
    if (end > data.length) return undefined;
    output += len;
    if (output > maxOutput) return undefined;
    if (len > 0) views.push(data.subarray(start, end));
    pos = end;
    if ((header & 1) === 1) return { views, output, rest: -1 }; // BFINAL
  }
}

/** How far back a DEFLATE block may refer into earlier output (RFC 1951): 32 KiB. */
export const DEFLATE_WINDOW = 32 * 1024;

/**
 * The last DEFLATE_WINDOW bytes of `views` (one buffer): the window that the blocks after
 * them may refer back into, given to zlib as the dictionary of a raw inflate of the rest.
 */
export function deflateWindow(views: readonly Buffer[]): Buffer {
  const window: Buffer[] = [];
  let bytes = 0;
  for (let i = views.length - 1; i >= 0 && bytes < DEFLATE_WINDOW; i--) {
    const view = views[i] as Buffer;
    const take = view.subarray(Math.max(0, view.length - (DEFLATE_WINDOW - bytes)));
    window.unshift(take);
    bytes += take.length;
  }
  return Buffer.concat(window, bytes);
}

/**
 * storedDeflateBlocks for a stream that comes in chunks (a file read piece by piece): `feed`
 * each next chunk and get the stored blocks' output in it as views of it, until the final
 * block was read (`complete`) or the stream goes on with a block that is not a well-formed
 * stored one — compressed, a bad NLEN, or more output than `maxOutput` — whose offset in the
 * stream is then `handover`: the caller inflates the stream from there with zlib (the output
 * so far as its window), which produces or refuses that block exactly as it would have from
 * the start. A stream that ends inside a stored block is neither complete nor handed over.
 */
export class StoredBlockScanner {
  /** The offset in the stream of the next byte fed. */
  private at = 0;
  /** The header of the block being read, while its 5 bytes are not all in yet. */
  private readonly header = Buffer.alloc(5);
  private headerBytes = 0;
  /** The offset of the current block's header. */
  private blockStart = 0;
  /** Bytes of the current stored block still to come. */
  private dataLeft = 0;
  private finalBlock = false;
  /** The final block was stored and has been read: later bytes are no output. */
  complete = false;
  /** Where a block that is not a well-formed stored one starts (-1: none so far). */
  handover = -1;
  /** The output of the stored blocks accepted so far (the current one's may not all be in). */
  output = 0;

  constructor(private readonly maxOutput: number) {}

  /** The stored output within `chunk`, the stream's next bytes (none once done). */
  feed(chunk: Buffer): Buffer[] {
    const views: Buffer[] = [];
    let i = 0;
    while (i < chunk.length && !this.complete && this.handover < 0) {
      if (this.dataLeft > 0) {
        const take = Math.min(this.dataLeft, chunk.length - i);
        views.push(chunk.subarray(i, i + take));
        i += take;
        this.dataLeft -= take;
        if (this.dataLeft === 0 && this.finalBlock) this.complete = true;
        continue;
      }
      const byte = chunk[i] ?? 0;
      if (this.headerBytes === 0) {
        this.blockStart = this.at + i;
        if ((byte & 0b110) !== 0) {
          this.handover = this.blockStart; // BTYPE is not 00: compressed
          break;
        }
      }
      this.header[this.headerBytes++] = byte;
      i++;
      if (this.headerBytes < 5) continue;
      this.headerBytes = 0;
      const len = this.header.readUInt16LE(1);
      if ((len ^ 0xffff) !== this.header.readUInt16LE(3) || this.output + len > this.maxOutput) {
        this.handover = this.blockStart;
        break;
      }
      this.output += len;
      this.finalBlock = ((this.header[0] ?? 0) & 1) === 1;
      this.dataLeft = len;
      if (len === 0 && this.finalBlock) this.complete = true;
    }
    this.at += chunk.length;
    return views;
  }
}
