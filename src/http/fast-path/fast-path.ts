import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { AccessEntry } from '../../log/index.js';
import type { Answer } from '../../service/answer.js';
import { FastConnection } from './fast-connection.js';
import type { AdoptedAnswer, FastContext, FastPeer } from './fast-context.js';
import type { SimpleHead } from './request-head.js';
import { ResponseTail } from './response-head.js';
import { SHARED_READ_BYTES, sharedReadSocket } from './shared-read-socket.js';
import { TargetTable } from './target-table.js';
import {
  generatedRequestId,
  nextRequestNumber,
  plainRequestId,
  requestIdFrom,
} from '../request-id.js';

export interface FastPathOptions {
  /** The node:http server that takes every connection the fast path hands over. */
  http: HttpServer;
  /** As node:http's headersTimeout, keepAliveTimeout and connectionsCheckingInterval. */
  headerTimeoutMs: number;
  idleTimeoutMs: number;
  /** server.send_timeout: how long a connection may wait on a client taking none of its answers. */
  sendTimeoutMs: number;
  checkIntervalMs: number;
  answer: (req: SimpleHead, peer: FastPeer) => Answer | Promise<Answer> | undefined;
  record: ((entry: AccessEntry) => void) | undefined;
  /** Whether `record` reads entries' request ids (FastContext.recordsIds). */
  recordsIds: boolean;
}

/**
 * The strict node:net fast path in front of node:http (issue 9 item 6; bench/experiments/
 * README.md, option B). The listening socket is a node:net server; every connection starts
 * here (FastConnection) and is answered here only while each request is provably simple
 * (request-head.ts) and its answer is a 200 in bytes (from memory at once, or waited for with
 * reading paused: a miss, a list refresh). At the first other request or answer — /healthz, a
 * body, a zip streamed from disk, an error, anything request-head.ts is not sure of — the
 * connection, unread bytes included, goes to node:http, which owns it from then on (every hard
 * case stays node:http's: bodies, chunked, Expect, HTTP/1.0, limits, streams, pipelined
 * asynchronous answers). An answer already asked for goes with it (`adopt`), so the service
 * is not asked twice.
 *
 * Node has no documented way to give node:http a socket it did not accept; this uses what its
 * own tests and the experiment rely on: `unshift` the unread bytes into the paused socket, emit
 * 'connection' on the http server, resume. The http server never listens, so its connection
 * tracking (the header and request timeouts, closeIdleConnections) is started by emitting its
 * 'listening' event once.
 */
export class FastPath {
  readonly server: Server;
  private readonly connections = new Set<FastConnection>();
  private readonly adoptions = new WeakMap<Socket, AdoptedAnswer>();
  private readonly sweep: NodeJS.Timeout;
  private readonly ctx: FastContext<FastConnection>;
  /** The one buffer every fast connection reads into (sharedReadSocket). */
  private readonly readBuffer = Buffer.allocUnsafe(SHARED_READ_BYTES);
  private cuttingNow = false;
  private stopping = false;

  constructor(private readonly options: FastPathOptions) {
    // As node:http's own server: half-open allowed (the end of input is handled per
    // connection), Nagle off.
    // Accepted paused: each connection's handle moves to a socket reading into the shared
    // buffer (sharedReadSocket) before anything is read.
    this.server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true });
    options.http.emit('listening');
    const tail = new ResponseTail(options.idleTimeoutMs);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.ctx = {
      answer: options.answer,
      requestId: requestIdFrom,
      plainRequestId,
      nextRequestNumber,
      generatedRequestId,
      recordsIds: options.recordsIds,
      targets: new TargetTable(),
      record: options.record,
      tail,
      get cutting() {
        return self.cuttingNow;
      },
      handover: (conn, rest, adopt) => this.handover(conn.socket, rest, adopt),
      forget: (conn) => this.forget(conn),
    };
    this.sweep = setInterval(() => this.expire(), options.checkIntervalMs).unref();
  }

  /**
   * Starts serving the listening server's connections. Called after anything that must see a
   * connection first (the connection caps) has added its listener.
   */
  accept(): void {
    this.server.on('connection', (raw: Socket) => {
      if (raw.destroyed) return; // refused by a cap
      if (this.stopping) {
        raw.destroy();
        return;
      }
      // Reads come once the loop polls again (readStart only asks libuv to watch the
      // socket): `conn` is set by then.
      const socket = sharedReadSocket(raw, this.readBuffer, () => conn.reader);
      const conn = new FastConnection(socket, this.ctx);
      this.connections.add(conn);
    });
  }

  /**
   * The answer the fast path asked for `req` (a request node:http parsed on a connection the
   * fast path handed over), if this is that request; undefined otherwise.
   */
  adopted(req: IncomingMessage): Answer | Promise<Answer> | undefined {
    const socket = req.socket;
    const adopt = this.adoptions.get(socket);
    if (adopt === undefined) return undefined;
    this.adoptions.delete(socket);
    if (adopt.method === req.method && adopt.target === req.url) return adopt.pending;
    dispose(adopt.pending);
    return undefined;
  }

  /** Releases the answer adopted for `req`, if any, when node:http answers it otherwise. */
  release(req: IncomingMessage): void {
    const pending = this.adopted(req);
    if (pending !== undefined) dispose(pending);
  }

  /** Stop, first step: idle connections close now; busy ones once their output is sent. */
  closeIdle(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweep);
    const busy: Promise<void>[] = [];
    for (const conn of this.connections) {
      if (conn.idle) {
        conn.socket.destroy();
      } else {
        busy.push(new Promise((resolve) => conn.socket.once('close', () => resolve())));
        conn.finish();
      }
    }
    return Promise.all(busy).then(() => undefined);
  }

  /** Stop, last step: every fast connection left is cut. */
  closeAll(): void {
    this.cuttingNow = true;
    for (const conn of this.connections) conn.socket.destroy();
  }

  /**
   * Closes the connections whose head did not arrive within the header timeout, and those idle
   * between requests for longer than the keep-alive timeout + 1 s (node:http's socket timeout
   * for kept-alive connections), or waiting on a client that takes nothing for longer than the
   * send timeout (per SEND_CHUNK_BYTES held). Checked every `checkIntervalMs` (≤ 1 s), so an idle
   * connection is closed at most that much later than node:http would, never earlier.
   */
  private expire(): void {
    const now = performance.now();
    const limit = this.options.headerTimeoutMs;
    const idleLimit = this.options.idleTimeoutMs + 1000;
    for (const conn of this.connections) {
      if (conn.headSince !== 0) {
        if (now - conn.headSince > limit) conn.timedOut();
      } else {
        conn.expireIdle(now, idleLimit, this.options.sendTimeoutMs);
      }
    }
  }

  private forget(conn: FastConnection): void {
    this.connections.delete(conn);
  }

  private handover(socket: Socket, rest: Buffer, adopt: AdoptedAnswer | undefined): void {
    if (socket.readableEnded) {
      // The client's FIN was read: node:http would not read these bytes (and cannot be given
      // them), and closes such a connection anyway.
      if (adopt !== undefined) dispose(adopt.pending);
      socket.destroy();
      return;
    }
    if (adopt !== undefined) {
      this.adoptions.set(socket, adopt);
      // node:http may refuse the request before asking for it (or the client go away): the
      // answer is not left unconsumed.
      socket.once('close', () => {
        const left = this.adoptions.get(socket);
        if (left === undefined) return;
        this.adoptions.delete(socket);
        dispose(left.pending);
      });
    }
    // The fast path's listeners and socket timeout are gone (FastConnection.handover); the
    // connection caps' 'close' listener stays. node:http adds its own listeners, its parser
    // takes over reading from the socket's handle, and its header, request and keep-alive
    // timeouts apply from here. Paused, so that resume() makes the stream emit the unshifted
    // bytes to node:http's 'data' listener first (a flowing stream would wait for the next
    // read from the socket).
    socket.pause();
    socket.unshift(rest);
    this.options.http.emit('connection', socket);
    socket.resume();
  }
}

/** An answer nobody will write: its stream (if any) is released, its failure ignored. */
function dispose(pending: Answer | Promise<Answer>): void {
  Promise.resolve(pending).then(
    (answer) => answer.stream?.destroy(),
    () => undefined,
  );
}
