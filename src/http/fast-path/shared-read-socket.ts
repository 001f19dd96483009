import { Socket } from 'node:net';

/**
 * Bytes of the read buffer all fast connections share: libuv's own suggested read size, so a
 * read takes at most what node's default reads would.
 */
export const SHARED_READ_BYTES = 64 * 1024;

/**
 * Reads of up to this many bytes get a view of the shared buffer made once per length and
 * kept (a request head is rarely longer), instead of a new Buffer object per read: the bytes
 * of a read always start at the buffer's start, so a view of its first `n` bytes is the same
 * whatever connection read them. At most this many views (~100 bytes each) per buffer.
 */
const KEPT_VIEWS = 2048;

/** The views kept per shared buffer (index: length). */
const viewsOf = new WeakMap<Buffer, (Buffer | undefined)[]>();

/**
 * What reads a connection's bytes while the fast path owns it: the bytes of one read (a view
 * of the shared buffer, valid only during the call: whatever is kept must be copied).
 */
export type SharedReader = (bytes: Buffer) => void;

/**
 * A socket for the connection `raw` (accepted paused: the listening server's pauseOnConnect)
 * that reads into `shared` (node:net's documented `onread` option) instead of node allocating
 * a new 64 KiB buffer per read and pushing it through the Readable stream: per request that
 * was a malloc, a shrinking realloc, an ArrayBuffer for the garbage collector to sweep, the
 * stream's push/emit and a nextTick (maybeReadMore), ~5-10 % of the fast path's CPU under the
 * mixed load. node:net hands the `onread` option to sockets it creates only for connect(), so
 * the accepted handle is moved to a new socket (node:net's own `handle` option; `_handle` is
 * the one undocumented field used). `raw` stays open, without its handle, as the connection's
 * stand-in for what counted it (the server's connection count, the connection caps'
 * listeners): it is destroyed when the new socket closes, and destroying it closes the new one.
 *
 * `read()` says who reads: the fast path's reader while it owns the connection; undefined once
 * it handed the connection to node:http — then each read's bytes are copied and pushed into the
 * socket's stream, as node's own reads are, for node:http's listeners (node:http's parser
 * mostly reads the handle itself, but gives it back, e.g. when the connection closes).
 */
export function sharedReadSocket(
  raw: Socket,
  shared: Buffer,
  read: () => SharedReader | undefined,
): Socket {
  let views = viewsOf.get(shared);
  if (views === undefined) {
    views = new Array<Buffer | undefined>(KEPT_VIEWS + 1).fill(undefined);
    viewsOf.set(shared, views);
  }
  const kept = views;
  const holder = raw as unknown as { _handle: unknown };
  const handle = holder._handle;
  holder._handle = null;
  const socket: Socket = new Socket({
    handle,
    allowHalfOpen: true,
    readable: true,
    writable: true,
    onread: {
      buffer: shared,
      callback: (n: number, buf: Uint8Array): boolean => {
        const view =
          n <= KEPT_VIEWS
            ? (kept[n] ??= Buffer.from(buf.buffer, buf.byteOffset, n))
            : Buffer.from(buf.buffer, buf.byteOffset, n);
        const reader = read();
        if (reader !== undefined) {
          reader(view);
          return true;
        }
        return socket.push(Buffer.from(view));
      },
    },
  } as ConstructorParameters<typeof Socket>[0] & { handle: unknown });
  socket.once('close', () => raw.destroy());
  raw.once('close', () => socket.destroy());
  return socket;
}
