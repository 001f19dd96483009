import type { Socket } from 'node:net';
import type { Answer } from '../../service/answer.js';
import type { CachedAnswer } from '../../service/answer-cache.js';
import type { ResponseTail } from './response-head.js';

/**
 * Bodies up to this size are copied behind their head into one buffer: one write instead of
 * two (a single chunk is sent with write(2), two need the writev path, which costs more than
 * copying a few KiB). Larger bodies are written as they are, after the head.
 */
export const INLINE_BODY = 4096;

/**
 * Writes one answer (`body` undefined: a HEAD; `cached`: the answer cache's entry it came from,
 * where its head is kept, ResponseTail.bytes) with the request id `requestId`, or the
 * generated one numbered `requestNumber` (ResponseTail.bytes); false when the socket's output
 * is past its high-water mark.
 */
export function writeFastAnswer(
  socket: Socket,
  tail: ResponseTail,
  answer: Answer,
  requestId: string | undefined,
  requestNumber: number,
  close: boolean,
  body: Buffer | undefined,
  cached: CachedAnswer | undefined,
): boolean {
  if (body === undefined || body.length <= INLINE_BODY) {
    return socket.write(tail.bytes(answer, requestId, requestNumber, close, body, cached));
  }
  socket.write(tail.bytes(answer, requestId, requestNumber, close, undefined, cached));
  return socket.write(body);
}
