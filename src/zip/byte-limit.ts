import { Transform, type TransformCallback } from 'node:stream';

/**
 * A pass-through that fails with `tooMuch()` once more than `max` bytes went through: the size
 * cap on zips from upstream proxies and from git, and on each file streamed into a new zip.
 */
export class ByteLimit extends Transform {
  private seen = 0;

  constructor(
    private readonly max: number,
    private readonly tooMuch: () => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) {
      cb(this.tooMuch());
      return;
    }
    cb(null, chunk);
  }
}
