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
