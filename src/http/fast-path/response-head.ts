import type { Answer } from '../../service/answer.js';
import { answerHeaders } from '../answer-headers.js';

/**
 * The bytes node:http writes before the body for `res.writeHead(200, answerHeaders(answer))`
 * (proxy-handler.ts), built here without node:http so the fast path sends the same answer:
 * the status line, the answer's headers in the same order and spelling, then what node:http
 * adds itself — `Date`, and `Connection: keep-alive` + `Keep-Alive: timeout=<s>` or
 * `Connection: close`. test/http/fast-path-parity.test.ts compares the two byte for byte
 * (Date and x-request-id aside).
 *
 * The part after the request id and before the date depends on the answer alone: it is
 * memoised per answer object (a WeakMap, like answerHeaders: it lives as long as the service
 * keeps the answer). The date line is rebuilt once a second, as node:http does.
 */
const middles = new WeakMap<Answer, string>();

const STATUS_LINE_200 = 'HTTP/1.1 200 OK\r\nx-request-id: ';

function middleOf(answer: Answer): string {
  let middle = middles.get(answer);
  if (middle === undefined) {
    const h = answerHeaders(answer);
    middle = '\r\n';
    // Index 0-1 is x-request-id, written per request.
    for (let i = 2; i < h.length; i += 2) middle += `${h[i]}: ${h[i + 1]}\r\n`;
    middle += 'Date: ';
    middles.set(answer, middle);
  }
  return middle;
}

/** Ends of the head after `Date: `, per second: the date and the connection fields. */
export class ResponseTail {
  private second = -1;
  private keepAliveTail = '';
  private closeTail = '';
  private readonly keepAliveFields: string;

  /** `keepAliveMs`: node:http's keepAliveTimeout, announced in whole seconds as it does. */
  constructor(keepAliveMs: number) {
    this.keepAliveFields =
      keepAliveMs > 0
        ? `\r\nConnection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(keepAliveMs / 1000)}\r\n\r\n`
        : '\r\nConnection: keep-alive\r\n\r\n';
  }

  /** The head of a 200 answer for one request, as one latin1 (ASCII) string. */
  head(answer: Answer, requestId: string, close: boolean): string {
    const now = Date.now();
    const second = now - (now % 1000);
    if (second !== this.second) {
      this.second = second;
      const date = new Date(second).toUTCString();
      this.keepAliveTail = date + this.keepAliveFields;
      this.closeTail = `${date}\r\nConnection: close\r\n\r\n`;
    }
    return (
      STATUS_LINE_200 + requestId + middleOf(answer) + (close ? this.closeTail : this.keepAliveTail)
    );
  }
}

/**
 * Whether the fast path may write `answer` as it is: a 200 held in memory with a known length
 * (a HEAD needs no body). Anything else (a stream, a 304/206/416) is node:http's to write.
 */
export function writableFast(answer: Answer, head: boolean): boolean {
  return (
    answer.status === 200 &&
    answer.stream === undefined &&
    answer.size !== undefined &&
    (head || answer.body !== undefined)
  );
}
