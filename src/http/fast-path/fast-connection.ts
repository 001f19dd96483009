import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import type { AccessEntry } from '../../log/index.js';
import type { Answer } from '../../service/answer.js';
import { HANDOVER, PARTIAL, readRequestHead, type SimpleHead } from './request-head.js';
import { writableFast } from './response-head.js';
import { INLINE_BODY, writeFastAnswer } from './write-fast-answer.js';
import { sendAllowanceMs } from '../send-stream.js';
import type { SharedReader } from './shared-read-socket.js';
import type { AdoptedAnswer, FastContext, FastPeer } from './fast-context.js';

/**
 * A head still incomplete after this many reads goes to node:http, whose parser reads
 * incrementally: here each read re-reads the bytes so far (bounded by MAX_FAST_HEAD), so a
 * client trickling its head byte by byte must not make that quadratic.
 */
const MAX_PARTIAL_READS = 16;

const EMPTY = Buffer.alloc(0);

/**
 * The most bytes read and held while an answer is awaited or the client is not reading: as a
 * paused socket stream's highWaterMark. Below it reading goes on (a hang-up is seen at once:
 * the awaited request's access line says 499); at it, reading stops until the hold ends.
 */
const HOLD_BYTES = 16 * 1024;

/**
 * A copy of bytes that may be a view of the shared read buffer, to keep past the read (a
 * partial head, requests held back): rare, and small next to the copies per read it replaces.
 */
function kept(bytes: Buffer): Buffer {
  return bytes.length === 0 ? EMPTY : Buffer.from(bytes);
}

/**
 * node:http's answer to a request whose head did not arrive within the header timeout
 * (it writes this, then destroys the socket).
 */
const REQUEST_TIMEOUT = Buffer.from('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');

/**
 * One client connection on the fast path. Each chunk read is cut into request heads; every
 * simple request whose answer the service holds in memory is answered at once (one head string
 * and the body, corked so a batch leaves in one writev). A simple request whose answer comes
 * later (a miss, a list being refreshed) is waited for with what arrives meanwhile held (up to
 * HOLD_BYTES, then reading pauses), so answers still leave in order, and written here if it is
 * bytes. At the first other request or answer (a
 * stream, an error) the connection goes to node:http with every byte not answered
 * (FastContext.handover) and the answer asked for, and never comes back.
 *
 * Limits, as node:http keeps them: a head must be complete within the header timeout
 * (`headSince`, checked by the fast path's sweep; 408 then, as node:http); a connection idle
 * between requests is closed after the keep-alive timeout (+1 s, as node:http; `idleSince`,
 * checked by the same sweep: no socket timeout, whose timer node refreshes on every read and
 * every write — ~1 % of the fast path's CPU under the mixed load); when the
 * socket's output is over its high-water mark (a client that pipelines without reading),
 * nothing more is answered until it drains (what arrives is held, up to HOLD_BYTES, then
 * reading pauses), so unread answers stay bounded by one batch, and the connection is cut if
 * it does not drain within the send timeout per SEND_CHUNK_BYTES held (server.send_timeout, as
 * node:http's streamed answers; `idleSince` then says since when it waits, same sweep).
 */
export class FastConnection implements FastPeer {
  readonly address: string | undefined;
  client: string | undefined = undefined;
  /** Bytes read and not answered yet (a partial head, or requests held back by backpressure). */
  private pending: Buffer | null = null;
  /** Reads that ended inside the current head. */
  private partialReads = 0;
  /** performance.now() when the wait for the current head began; 0: not waiting for a head. */
  headSince: number;
  /** performance.now() when the last batch was answered (the connection idle since, if it is). */
  private idleSince = 0;
  /** Paused until 'drain'. */
  private waiting = false;
  /** The bytes waiting to be sent at the last sweep while `waiting` (expireIdle). */
  private heldBefore = 0;
  /** Ending: nothing more is read. */
  private closing = false;
  /** Waiting for an answer from the service; `pending` starts with its request. */
  private awaiting = false;
  /** That request, and when it was asked for (for its access line). */
  private awaited: { req: SimpleHead; started: number } | undefined;

  constructor(
    readonly socket: Socket,
    private readonly ctx: FastContext<FastConnection>,
  ) {
    this.address = socket.remoteAddress;
    // Until the first request's head is in, the header timeout applies (as node:http).
    this.headSince = performance.now();
    socket.on('drain', this.onDrain);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** Idle: nothing being read or written. */
  get idle(): boolean {
    return (
      this.pending === null && !this.waiting && !this.awaiting && this.socket.writableLength === 0
    );
  }

  /** The header timeout ran out: node:http's 408, then the connection is closed. */
  timedOut(): void {
    this.closing = true;
    this.socket.write(REQUEST_TIMEOUT);
    this.socket.destroy();
  }

  /** Stop: ends the connection once what was written is sent (nothing more is read). */
  finish(): void {
    this.closing = true;
    if (this.awaiting) return; // ended once the awaited answer is written (settled)
    this.pending = null;
    this.socket.destroySoon();
  }

  /**
   * Reads the connection's bytes until it is handed over (then undefined). `chunk` is a view of
   * the read buffer all fast connections share (shared-read-socket.ts), valid during the call
   * only: whatever is kept past it is copied (`kept`).
   */
  reader: SharedReader | undefined = (chunk: Buffer): void => {
    if (this.closing) return;
    if (this.awaiting || this.waiting) {
      // Held behind the awaited request (or until the client reads): reading goes on, so that
      // a client hanging up is seen at once, until HOLD_BYTES are held.
      this.pending = this.pending === null ? kept(chunk) : Buffer.concat([this.pending, chunk]);
      if (this.pending.length >= HOLD_BYTES) this.socket.pause();
      return;
    }
    const pending = this.pending;
    this.pending = null;
    this.serve(pending === null ? chunk : Buffer.concat([pending, chunk]));
  };

  private readonly onDrain = (): void => {
    if (!this.waiting || this.closing) return;
    this.waiting = false;
    this.idleSince = performance.now();
    const pending = this.pending;
    this.pending = null;
    if (pending !== null) this.serve(pending);
    if (!this.waiting && !this.closing) this.socket.resume();
  };

  /** The client sent FIN: node:http ends the connection too (after what was written). */
  private readonly onEnd = (): void => {
    this.closing = true;
    if (this.socket.writable) this.socket.end();
  };

  /**
   * Closes the connection if it has been idle between requests (not waiting for a head or an
   * answer) for more than `limitMs` at `now` (the fast path's sweep), or, waiting for its
   * client to take what was written, has seen none of it taken for more than `sendLimitMs` per
   * SEND_CHUNK_BYTES still held (an answer leaves the buffer whole, when its write ends).
   */
  expireIdle(now: number, limitMs: number, sendLimitMs: number): void {
    if (this.headSince !== 0 || this.awaiting) return;
    if (!this.waiting) {
      if (now - this.idleSince > limitMs) this.socket.destroy();
      return;
    }
    const held = this.socket.writableLength;
    if (held < this.heldBefore) this.idleSince = now; // some of it was taken: progress
    this.heldBefore = held;
    if (now - this.idleSince > sendAllowanceMs(sendLimitMs, held)) this.socket.destroy();
  }

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.ctx.forget(this);
    const awaited = this.awaited;
    const record = this.ctx.record;
    if (awaited === undefined || record === undefined) return;
    // Closed before its answer came: logged as node:http logs a response closed unsent.
    this.awaited = undefined;
    record({
      reqId: this.ctx.requestId(awaited.req.requestId),
      method: awaited.req.head ? 'HEAD' : 'GET',
      path: awaited.req.target,
      status: this.ctx.cutting ? 503 : 499,
      bytes: undefined,
      cache: undefined,
      ms: Math.round((performance.now() - awaited.started) * 100) / 100,
      complete: false,
      client: awaited.req.client,
      user: awaited.req.user,
    });
  };

  /**
   * Answers the requests at the start of `buf`; keeps or hands over the rest. `resolved`: the
   * answer to the first one, come after waiting for it (and when it was asked for).
   */
  private serve(buf: Buffer, resolved?: Answer, resolvedAt = 0, resolvedFor?: SimpleHead): void {
    const socket = this.socket;
    const ctx = this.ctx;
    const record = ctx.record;
    let entries: AccessEntry[] | undefined;
    let offset = 0;
    // What happens once this batch's answers are written and recorded.
    let next: 'read' | 'end' | 'handover' = 'read';
    let adopt: AdoptedAnswer | undefined;
    // Corked only when this batch writes more than one chunk (pipelined requests, a body
    // written after its head), so that they leave in one writev; the usual single answer is one
    // write without the cork's buffering.
    let corked = false;
    // performance.now() read when the last answer of this batch was recorded (0: none): the
    // next request's start and the connection's idle time, without reading the clock again.
    let answeredAt = 0;
    try {
      for (;;) {
        const req = readRequestHead(buf, offset, ctx.targets);
        if (req === PARTIAL) {
          if (++this.partialReads > MAX_PARTIAL_READS) {
            next = 'handover';
            return;
          }
          this.pending = kept(buf.subarray(offset));
          if (this.headSince === 0) this.headSince = performance.now();
          return;
        }
        if (req === HANDOVER) {
          next = 'handover';
          return;
        }
        const first = offset === 0 && resolved !== undefined;
        const started = first
          ? resolvedAt
          : record === undefined
            ? 0
            : answeredAt === 0
              ? performance.now()
              : answeredAt;
        if (first && resolvedFor !== undefined) {
          // The same request read again: who asked was decided when its answer was asked for.
          req.user = resolvedFor.user;
          req.client = resolvedFor.client;
        }
        const got = first ? resolved : ctx.answer(req, this);
        if (got instanceof Promise) {
          // Nothing more is read or answered until it settles: answers stay in order.
          this.pending = kept(buf.subarray(offset));
          this.headSince = 0;
          this.awaiting = true;
          this.awaited = { req, started };
          got.then(
            (answer) => this.settled(req, got, answer, started),
            () => this.settled(req, got, undefined, started),
          );
          return;
        }
        if (got === undefined || !writableFast(got, req.head)) {
          if (got !== undefined) {
            adopt = { method: req.head ? 'HEAD' : 'GET', target: req.target, pending: got };
          }
          next = 'handover';
          return;
        }
        const given = req.requestId === undefined ? undefined : ctx.plainRequestId(req.requestId);
        const n = given === undefined ? ctx.nextRequestNumber() : 0;
        const body = req.head ? undefined : got.body;
        if (
          !corked &&
          (req.end < buf.length || (body !== undefined && body.length > INLINE_BODY))
        ) {
          socket.cork();
          corked = true;
        }
        const room = writeFastAnswer(socket, ctx.tail, got, given, n, req.close, body, req.cached);
        if (record !== undefined) {
          answeredAt = performance.now();
          (entries ??= []).push({
            reqId: given ?? (ctx.recordsIds ? ctx.generatedRequestId(n) : ''),
            method: req.head ? 'HEAD' : 'GET',
            path: req.target,
            targetMemo: req.slot,
            status: 200,
            bytes: got.size,
            cache: got.cache,
            ms: Math.round((answeredAt - started) * 100) / 100,
            complete: true,
            client: req.client,
            user: req.user,
          });
        }
        offset = req.end;
        this.partialReads = 0;
        if (req.close) {
          next = 'end';
          return;
        }
        if (!room) {
          // The client is not reading fast enough: read nothing more until it does.
          this.pending = offset === buf.length ? null : kept(buf.subarray(offset));
          this.headSince = 0;
          this.waiting = true;
          this.idleSince = performance.now(); // waiting since (expireIdle)
          this.heldBefore = socket.writableLength;
          return;
        }
        if (offset === buf.length) {
          this.headSince = 0;
          this.idleSince = answeredAt === 0 ? performance.now() : answeredAt;
          return;
        }
      }
    } finally {
      if (corked) socket.uncork();
      if (entries !== undefined && record !== undefined) this.recordWhenSent(entries, record);
      if (next === 'end') {
        // As node:http after an answer marked Connection: close: nothing more is read.
        this.closing = true;
        socket.destroySoon();
      } else if (next === 'handover') {
        this.handover(kept(buf.subarray(offset)), adopt);
      }
    }
  }

  /** The answer waited for has come (undefined: it failed). */
  private settled(
    req: SimpleHead,
    pending: Promise<Answer>,
    answer: Answer | undefined,
    started: number,
  ): void {
    this.awaiting = false;
    this.awaited = undefined;
    const held = this.pending ?? EMPTY;
    this.pending = null;
    if (this.socket.destroyed) {
      answer?.stream?.destroy();
      return;
    }
    if (answer === undefined || !writableFast(answer, req.head)) {
      // node:http writes it (a stream, a 304, an error), and owns the connection from now on.
      const method = req.head ? 'HEAD' : 'GET';
      this.handover(held, { method, target: req.target, pending });
      return;
    }
    const stopping = this.closing;
    this.serve(held, answer, started, req);
    if (stopping) this.socket.destroySoon();
    else if (!this.waiting && !this.awaiting && !this.closing) this.socket.resume();
  }

  /**
   * Records answers once their bytes are handed to the system, as node:http's 'close' of a
   * finished response: at once when the socket took everything, else when it has (the
   * client closing first makes them 499, as on node:http; a stop cutting them, their status).
   */
  private recordWhenSent(entries: AccessEntry[], record: (entry: AccessEntry) => void): void {
    const socket = this.socket;
    if (socket.writableLength === 0 && !socket.destroyed) {
      for (const e of entries) record(e);
      return;
    }
    const ctx = this.ctx;
    socket.write(EMPTY, (err) => {
      for (const e of entries) {
        if (err !== undefined && err !== null) {
          e.complete = false;
          if (!ctx.cutting) e.status = 499;
        }
        record(e);
      }
    });
  }

  private handover(rest: Buffer, adopt: AdoptedAnswer | undefined): void {
    const socket = this.socket;
    this.reader = undefined;
    socket.off('drain', this.onDrain);
    socket.off('end', this.onEnd);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
    this.pending = null;
    this.closing = true;
    this.ctx.forget(this);
    this.ctx.handover(this, rest, adopt);
  }
}
