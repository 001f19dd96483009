// The methods are async though most never wait, so that a refusal (an invalid key, an aborted
// signal) rejects the returned promise, as the interface promises, instead of throwing.
/* eslint-disable @typescript-eslint/require-await */
import { readFile } from 'node:fs/promises';
import { Readable, addAbortSignal } from 'node:stream';
import { ModgateError } from '../../errors/index.js';
import { checkStorageKey, checkStoragePrefix, compareStorageKeys } from '../storage-key.js';
import { checkPutStream, checkSize, drainExactly } from '../drain-exactly.js';
import { resolveRange } from '../resolve-range.js';
import type { ByteRange, Storage, StoredStat } from '../storage.js';

interface Entry {
  data: Buffer;
  stat: StoredStat;
}

/**
 * Storage in process memory, for tests and throwaway servers. Same contract as the disk
 * backend: a value is replaced whole in one step (a write builds its Buffer aside and swaps it
 * in when complete), and stored Buffers are never handed out or mutated, so a reader holding
 * one keeps a consistent snapshot.
 */
export class MemoryStorage implements Storage {
  readonly description = 'memory';
  private readonly entries = new Map<string, Entry>();
  /** Bumped on every write so each stored value gets its own etag, even at the same size. */
  private generation = 0;

  async getBytes(key: string, signal?: AbortSignal): Promise<Buffer | null> {
    checkStorageKey(key);
    signal?.throwIfAborted();
    const entry = this.entries.get(key);
    return entry === undefined ? null : Buffer.from(entry.data);
  }

  async putBytes(key: string, data: Buffer, signal?: AbortSignal): Promise<void> {
    checkStorageKey(key);
    signal?.throwIfAborted();
    this.commit(key, Buffer.from(data));
  }

  async stat(key: string, signal?: AbortSignal): Promise<StoredStat | null> {
    checkStorageKey(key);
    signal?.throwIfAborted();
    const entry = this.entries.get(key);
    return entry === undefined ? null : { ...entry.stat };
  }

  async openRead(
    key: string,
    range?: ByteRange,
    signal?: AbortSignal,
  ): Promise<{ stream: Readable; stat: StoredStat } | null> {
    checkStorageKey(key);
    signal?.throwIfAborted();
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    const span = resolveRange(range, entry.data.length);
    const chunks =
      span === null ? [] : [Buffer.from(entry.data.subarray(span.start, span.end + 1))];
    const stream = Readable.from(chunks, { objectMode: false });
    if (signal !== undefined) addAbortSignal(signal, stream);
    return { stream, stat: { ...entry.stat } };
  }

  async putStream(
    key: string,
    stream: Readable,
    size: number,
    signal?: AbortSignal,
  ): Promise<void> {
    checkPutStream(key, stream, size, checkStorageKey);
    const chunks: Buffer[] = [];
    await drainExactly(`putStream ${key}`, stream, size, (c) => void chunks.push(c), signal);
    this.commit(key, Buffer.concat(chunks, size));
  }

  /** Reads the file into memory (a copy: the caller's file is left as it is). */
  async putFile(key: string, path: string, size: number, signal?: AbortSignal): Promise<void> {
    checkStorageKey(key);
    checkSize(`putFile ${key}`, size);
    let data: Buffer;
    try {
      data = await readFile(path, signal === undefined ? {} : { signal });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const reason = err instanceof Error ? err.message : String(err);
      throw new ModgateError('internal', `memory storage: putFile ${key}: ${reason}`, {
        cause: err,
      });
    }
    if (data.length !== size) {
      throw new ModgateError(
        'internal',
        `memory storage: putFile ${key}: ${path} is ${data.length} bytes, ${size} declared`,
      );
    }
    signal?.throwIfAborted();
    this.commit(key, data);
  }

  async delete(key: string, signal?: AbortSignal): Promise<void> {
    checkStorageKey(key);
    signal?.throwIfAborted();
    this.entries.delete(key);
  }

  async list(prefix: string, signal?: AbortSignal): Promise<string[]> {
    checkStoragePrefix(prefix);
    signal?.throwIfAborted();
    const keys = [...this.entries.keys()].filter((k) => k.startsWith(prefix));
    return keys.sort(compareStorageKeys);
  }

  async checkReady(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
  }

  async close(): Promise<void> {}

  private commit(key: string, data: Buffer): void {
    this.generation += 1;
    const etag = `"${data.length.toString(16)}-${this.generation.toString(16)}"`;
    this.entries.set(key, { data, stat: { size: data.length, modified: new Date(), etag } });
  }
}
