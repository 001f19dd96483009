import type { AccessEntry } from '../../log/index.js';
import type { Answer } from '../../service/answer.js';
import type { SimpleHead } from './request-head.js';
import type { ResponseTail } from './response-head.js';
import type { TargetTable } from './target-table.js';

/** What a fast connection needs from the fast path that holds it. */
export interface FastContext<Connection> {
  /**
   * The service's answer to a simple request; undefined: not a GOPROXY route (or one node:http
   * must answer: a refused read, credentials to check with bcrypt). May set `req.user` and
   * `req.client`, which the request's log entry then carries. `peer`: the connection's (its
   * peer address, read once, and a slot for what the answerer derives from it alone).
   */
  answer(req: SimpleHead, peer: FastPeer): Answer | Promise<Answer> | undefined;
  /** The request id for a request, from the client's X-Request-Id if plain. */
  requestId(given: string | undefined): string;
  /** The client's X-Request-Id if it is used as the request id (plain), else undefined. */
  plainRequestId(given: string | undefined): string | undefined;
  /** The number of the next generated request id, and that id as a string. */
  nextRequestNumber(): number;
  generatedRequestId(n: number): string;
  /**
   * Whether `record` reads the request ids of fast-path entries (an access log, an audit log).
   * When not, a generated id is only written into the head (as bytes) and entries carry `''`.
   */
  readonly recordsIds: boolean;
  /** The targets kept across requests (target-table.ts). */
  readonly targets: TargetTable;
  /** Records a finished request (the access log); undefined: nothing records. */
  readonly record: ((entry: AccessEntry) => void) | undefined;
  readonly tail: ResponseTail;
  /** Set while a stop cuts the connections left after the grace period. */
  readonly cutting: boolean;
  /** Gives the connection to node:http, `rest` unread, with the first request's answer. */
  handover(conn: Connection, rest: Buffer, adopt: AdoptedAnswer | undefined): void;
  /** The connection is gone (closed, or handed over). */
  forget(conn: Connection): void;
}

/** A fast connection's peer: its address (read once), and what depends on it alone. */
export interface FastPeer {
  readonly address: string | undefined;
  /** The client address when no header can change it (set by the answerer, once). */
  client: string | undefined;
}

/** An answer asked for on the fast path, for node:http to write for the same request. */
export interface AdoptedAnswer {
  readonly method: 'GET' | 'HEAD';
  readonly target: string;
  readonly pending: Answer | Promise<Answer>;
}
