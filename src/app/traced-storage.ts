import type { Readable } from 'node:stream';
import { inSpan } from '../metrics/tracing/index.js';
import type { ByteRange, PutOptions, Storage, StoredStat } from '../storage/index.js';

/**
 * A Storage decorator for tracing: every read and write is a span (`storage getBytes`,
 * `storage putFile`, …) with the key (`modgate.storage.key`: a GOPROXY path, never a
 * credential), a child of whatever caused it (a request, a stash, a checksum lookup).
 * Wired by app only while tracing is on; readiness probes and close are not traced.
 */
export class TracedStorage implements Storage {
  constructor(private readonly inner: Storage) {}

  get description(): string {
    return this.inner.description;
  }

  getBytes(key: string, signal?: AbortSignal): Promise<Buffer | null> {
    return inSpan('storage getBytes', at(key), () => this.inner.getBytes(key, signal));
  }

  putBytes(key: string, data: Buffer, signal?: AbortSignal, options?: PutOptions): Promise<void> {
    return inSpan('storage putBytes', at(key), () =>
      this.inner.putBytes(key, data, signal, options),
    );
  }

  stat(key: string, signal?: AbortSignal): Promise<StoredStat | null> {
    return inSpan('storage stat', at(key), () => this.inner.stat(key, signal));
  }

  openRead(
    key: string,
    range?: ByteRange,
    signal?: AbortSignal,
  ): Promise<{ stream: Readable; stat: StoredStat } | null> {
    return inSpan('storage openRead', at(key), () => this.inner.openRead(key, range, signal));
  }

  putStream(key: string, stream: Readable, size: number, signal?: AbortSignal): Promise<void> {
    return inSpan('storage putStream', at(key), () =>
      this.inner.putStream(key, stream, size, signal),
    );
  }

  putFile(key: string, path: string, size: number, signal?: AbortSignal): Promise<void> {
    return inSpan('storage putFile', at(key), () => this.inner.putFile(key, path, size, signal));
  }

  delete(key: string, signal?: AbortSignal): Promise<void> {
    return inSpan('storage delete', at(key), () => this.inner.delete(key, signal));
  }

  list(prefix: string, signal?: AbortSignal): Promise<string[]> {
    return inSpan('storage list', at(prefix), () => this.inner.list(prefix, signal));
  }

  checkReady(signal?: AbortSignal): Promise<void> {
    return this.inner.checkReady(signal);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function at(key: string): { 'modgate.storage.key': string } {
  return { 'modgate.storage.key': key };
}
