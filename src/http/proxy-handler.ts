import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyRequest } from '../protocol/proxy-request.js';
import type { Answer, AnswerOptions } from '../service/answer.js';
import type { ModuleService } from '../service/module-service.js';
import { answerHeaders } from './answer-headers.js';
import { sendAllowanceMs, SendTimeoutError, sendStream } from './send-stream.js';

/**
 * Asks the service for one parsed GOPROXY request. The options carry only what the request
 * has: a plain GET passes none, so a cached hit stays on the service's synchronous path.
 */
export function answerRequest(
  service: ModuleService,
  req: IncomingMessage,
  preq: Readonly<ProxyRequest>,
): Answer | Promise<Answer> {
  return service.answer(preq, optionsOf(req, preq.kind === 'zip'));
}

function optionsOf(req: IncomingMessage, zip: boolean): AnswerOptions | undefined {
  const head = req.method === 'HEAD';
  // Only zips have validators: other files ignore Range and conditions (always 200).
  if (!zip) return head ? { head } : undefined;
  const h = req.headers;
  const range = h.range;
  const ifNoneMatch = h['if-none-match'];
  const ifModifiedSince = h['if-modified-since'];
  const ifRangeHeader = h['if-range'];
  const ifRange = typeof ifRangeHeader === 'string' ? ifRangeHeader : undefined;
  if (
    !head &&
    range === undefined &&
    ifNoneMatch === undefined &&
    ifModifiedSince === undefined &&
    ifRange === undefined
  ) {
    return undefined;
  }
  return { head, range, validators: { ifNoneMatch, ifModifiedSince, ifRange } };
}

/**
 * Writes an answer: its headers (serialised once per answer object), the request id, then its
 * bytes or its stream (none for HEAD). Resolves when a streamed body was sent; a stream that
 * fails half-way, or whose client takes none of it for `sendTimeoutMs` (server.send_timeout),
 * cuts the connection (the client sees a truncated body, never a bad one).
 */
export function writeAnswer(
  res: ServerResponse,
  answer: Answer,
  requestId: string,
  head: boolean,
  sendTimeoutMs: number,
): Promise<void> | undefined {
  const headers = answerHeaders(answer);
  headers[1] = requestId;
  res.writeHead(answer.status, headers);
  const stream = answer.stream;
  if (stream === undefined) {
    res.end(head ? undefined : answer.body);
    watchHeldAnswer(res, sendTimeoutMs);
    return undefined;
  }
  if (head) {
    stream.destroy();
    res.end();
    return undefined;
  }
  return sendStream(stream, res, sendTimeoutMs);
}

/**
 * An answer from memory (≤ a sixteenth of the answer cache) is handed to the socket whole; what
 * the kernel did not take waits in the socket's buffer. If its client takes none of it, cut
 * the connection after the send timeout per SEND_CHUNK_BYTES held (as sendStream does for
 * streamed answers: node:http's keep-alive timer only starts once the answer is sent). No
 * timer when the kernel took it all, the usual case. A pipelined answer queued behind another
 * has no socket yet: it is checked once node:http gives it the socket and flushes it.
 */
function watchHeldAnswer(res: ServerResponse, sendTimeoutMs: number): void {
  if (sendTimeoutMs <= 0) return;
  if (res.socket === null) {
    // node:http emits 'socket' in assignSocket, right before it flushes the answer.
    res.once('socket', () => queueMicrotask(() => watchHeldAnswer(res, sendTimeoutMs)));
    return;
  }
  const held = res.writableFinished ? 0 : res.socket.writableLength;
  if (held === 0) return;
  const ms = sendAllowanceMs(sendTimeoutMs, held);
  const timer = setTimeout(() => {
    if (!res.writableFinished) res.destroy(new SendTimeoutError(ms));
  }, ms).unref();
  res.once('close', () => clearTimeout(timer));
}
