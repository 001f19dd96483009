import type { Readable } from 'node:stream';
import { ModgateError } from '../errors/index.js';
import type { Storage } from '../storage/storage.js';
import { IMMUTABLE_MAX_AGE, type Answer, type AnswerOptions } from './answer.js';
import { SMALL_ZIP_BYTES, type AnswerCache } from './answer-cache.js';
import { decideZip } from './zip-conditions.js';

/**
 * Answers for zips already in storage, with their validators: 304, 416 and 206 as the
 * request's conditions say (zip-conditions.ts). Small zips (≤ SMALL_ZIP_BYTES) are read once
 * and kept in the answer cache — zips are immutable and most module zips are small, so hits
 * then cost no storage call; larger ones are streamed from storage, opened once (the stat
 * describes the very file read).
 */
export class StoredZips {
  constructor(
    private readonly storage: Storage,
    private readonly cache: AnswerCache,
  ) {}

  /**
   * Keeps a small zip just downloaded (verified, answered from memory) in the answer cache
   * once `stored` says its store ended, with the validators of the stored file, so that its
   * next request costs no storage read. Nothing is kept if it was not stored (the next request
   * downloads it again) or is not small.
   */
  remember(key: string, data: Buffer, stored: Promise<void>): void {
    if (data.length > SMALL_ZIP_BYTES) return;
    stored
      .then(() => this.storage.stat(key))
      .then((stat) => {
        if (stat?.size !== data.length) return;
        this.cache.putImmutable(key, 'zip', data, { etag: stat.etag, lastModified: stat.modified });
      })
      .catch(() => undefined);
  }

  /**
   * The answer for the zip stored under `key` (`hot`: its cached answer, if any); null when it
   * is not stored.
   */
  async answer(
    key: string,
    opts: AnswerOptions | undefined,
    hot: Answer | undefined,
  ): Promise<Answer | null> {
    if (hot !== undefined) return fromMemory(hot, opts);
    const opened = await this.storage.openRead(key);
    if (opened === null) return null;
    const { stat, stream } = opened;
    const validators = { etag: stat.etag, lastModified: stat.modified };
    if (stat.size <= SMALL_ZIP_BYTES) {
      const data = await readWhole(stream, key);
      if (data.length !== stat.size) {
        throw new ModgateError(
          'internal',
          `stored zip ${key}: read ${data.length} of ${stat.size} bytes`,
        );
      }
      return fromMemory(this.cache.putImmutable(key, 'zip', data, validators), opts);
    }
    const base = { ...validators, kind: 'zip', cache: 'hit', maxAge: IMMUTABLE_MAX_AGE } as const;
    const decision = decideZip(opts, stat.etag, stat.modified, stat.size);
    const head = opts?.head === true;
    if (decision.kind === 'whole' || (decision.kind === 'range' && head)) {
      if (head) stream.destroy();
      return {
        ...base,
        immutable: true,
        status: 200,
        stream: head ? undefined : stream,
        size: stat.size,
      };
    }
    stream.destroy();
    if (decision.kind === 'not-modified') {
      return { ...base, immutable: true, status: 304, size: undefined };
    }
    if (decision.kind === 'unsatisfiable') {
      return { ...base, immutable: true, status: 416, size: 0, total: stat.size };
    }
    // Ranges are rare (the go command never asks for one): open again at the range.
    const ranged = await this.storage.openRead(key, decision);
    if (ranged === null) throw new ModgateError('internal', `stored zip ${key} vanished`);
    return {
      ...base,
      immutable: true,
      status: 206,
      stream: ranged.stream,
      size: decision.end - decision.start + 1,
      range: { start: decision.start, end: decision.end },
      total: stat.size,
    };
  }
}

/** A zip answered from its cached bytes under the request's conditions. */
function fromMemory(hot: Answer, opts: AnswerOptions | undefined): Answer {
  const { etag, lastModified, body, size } = hot;
  if (opts === undefined || etag === undefined || lastModified === undefined) return hot;
  if (body === undefined || size === undefined) return hot;
  const decision = decideZip(opts, etag, lastModified, size);
  switch (decision.kind) {
    case 'whole':
      return hot;
    case 'not-modified':
      return { ...hot, status: 304, body: undefined, size: undefined };
    case 'unsatisfiable':
      return { ...hot, status: 416, body: undefined, size: 0, total: size };
    case 'range':
      if (opts.head === true) return hot;
      return {
        ...hot,
        status: 206,
        body: body.subarray(decision.start, decision.end + 1),
        size: decision.end - decision.start + 1,
        range: { start: decision.start, end: decision.end },
        total: size,
      };
  }
}

/** All of a (small) stream's bytes; a read failure is an internal error naming the key. */
async function readWhole(stream: Readable, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (err) {
    throw new ModgateError('internal', `stored zip ${key}: read failed`, { cause: err });
  }
  return Buffer.concat(chunks);
}
