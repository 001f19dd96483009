import { Transform, type TransformCallback } from 'node:stream';
import { ModgateError } from '../errors/index.js';

/**
 * A pass-through that fails with `too-large` (and `message`) once more than `max` bytes went
 * through: the size cap on zips from upstream proxies and from git.
 */
export class ByteLimit extends Transform {
  private seen = 0;

  constructor(
    private readonly max: number,
    private readonly message: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) {
      cb(new ModgateError('too-large', this.message));
      return;
    }
    cb(null, chunk);
  }
}
