import type { Answer } from '../../service/answer.js';
import type { CachedAnswer } from '../../service/answer-cache.js';
import { answerHeaders } from '../answer-headers.js';
import { GENERATED_ID_PREFIX, requestNumberLength, writeRequestNumber } from '../request-id.js';

/**
 * The bytes node:http writes before the body for `res.writeHead(200, answerHeaders(answer))`
 * (proxy-handler.ts), built here without node:http so the fast path sends the same answer:
 * the status line, the answer's headers in the same order and spelling, then what node:http
 * adds itself — `Date`, and `Connection: keep-alive` + `Keep-Alive: timeout=<s>` or
 * `Connection: close`. test/http/fast-path-parity.test.ts compares the two byte for byte
 * (Date and x-request-id aside).
 *
 * The head is assembled as bytes: the part after the request id and before the date depends
 * on the answer alone and is encoded once per answer object (a WeakMap, like answerHeaders: it
 * lives as long as the service keeps the answer), or, for an answer whose max-age counts down,
 * once per fetched copy (countdownMiddleOf); the date and connection fields once a
 * second, as node:http does. A request then costs a few copies into one buffer, and no string
 * is built and encoded per request (a ~300-character string concatenated per request and
 * written as latin1 showed as ~8 % of the fast path's CPU in a profile of the mixed load).
 */
const middles = new WeakMap<Answer, Buffer>();

const STATUS_LINE_200 = Buffer.from('HTTP/1.1 200 OK\r\nx-request-id: ', 'latin1');
const EMPTY = Buffer.alloc(0);
let encoded = 0;

/** How many head middles were encoded so far (for tests: what the memos save). */
export function middlesEncoded(): number {
  return encoded;
}

function middleOf(answer: Answer): Buffer {
  let middle = middles.get(answer);
  if (middle === undefined) {
    middle = Buffer.from(middleText(answer), 'latin1');
    middles.set(answer, middle);
  }
  return middle;
}

/** The head between the request id and the date, as text. */
function middleText(answer: Answer): string {
  encoded++;
  const h = answerHeaders(answer);
  let text = '\r\n';
  // Index 0-1 is x-request-id, written per request.
  for (let i = 2; i < h.length; i += 2) text += `${h[i]}: ${h[i + 1]}\r\n`;
  return `${text}Date: `;
}

/**
 * The middle of a head whose max-age counts down (a list, @latest), cut around the max-age
 * value, which is written per request. The answer cache makes a new answer object for such an
 * answer every second (its max-age changed), and a middle per answer object meant ~0.9 KB of
 * head text, buffer and memo entries per list per second, all living about a second: long
 * enough to be promoted to V8's old generation, so at 2,000 req/s the lists made ~85 % of
 * what was promoted (and promoted garbage is what brings mark-compacts, the longest pauses).
 * The parts are kept per body buffer instead, which every answer object of one fetched copy
 * shares, with the answer they were built from: a later answer object with the same body uses
 * them only if it differs in max-age alone.
 */
interface CountdownMiddle {
  readonly from: Answer;
  readonly before: Buffer;
  readonly after: Buffer;
}
const countdowns = new WeakMap<Buffer, CountdownMiddle>();

const MAX_AGE_PREFIX = 'public, max-age=';

function countdownMiddleOf(answer: Answer, body: Buffer): CountdownMiddle | undefined {
  const kept = countdowns.get(body);
  if (kept !== undefined && sameButMaxAge(kept.from, answer)) return kept;
  const made = countdownMiddle(answer);
  if (made !== undefined) countdowns.set(body, made);
  return made;
}

/** `answer`'s middle cut around its max-age; undefined if it has not the expected shape. */
function countdownMiddle(answer: Answer): CountdownMiddle | undefined {
  const text = middleText(answer);
  const field = `\r\ncache-control: ${MAX_AGE_PREFIX}${answer.maxAge}\r\n`;
  const at = text.indexOf(field);
  if (at < 0) return undefined; // not the expected shape: a middle per answer object
  const cut = at + field.length - 2 - String(answer.maxAge).length;
  const made: CountdownMiddle = {
    from: answer,
    before: Buffer.from(text.slice(0, cut), 'latin1'),
    after: Buffer.from(text.slice(cut + String(answer.maxAge).length), 'latin1'),
  };
  return made;
}

/** Whether two answers have the same head but for their max-age (answer-headers.ts's fields). */
function sameButMaxAge(a: Answer, b: Answer): boolean {
  return (
    a.status === b.status &&
    a.kind === b.kind &&
    a.size === b.size &&
    a.etag === b.etag &&
    a.lastModified === b.lastModified &&
    a.cache === b.cache &&
    a.staleReason === b.staleReason &&
    a.offline === b.offline &&
    a.immutable === b.immutable &&
    a.range === b.range &&
    a.total === b.total
  );
}

/**
 * The middle of a head as kept on the answer cache's entry the answer came from
 * (CachedAnswer.memo): a hit then finds it with the entry it has already read, not through a
 * WeakMap keyed by the answer or its body (a hash table probe, and a cache miss or two, per
 * hit). `after` undefined: `before` is the whole middle of `from`; else the middle is cut
 * around the max-age (countdownMiddleOf) and serves any answer that differs from `from` in its
 * max-age alone (the entry's answer object is replaced each second as its max-age counts down).
 */
interface HeadMemo {
  from: Answer;
  readonly before: Buffer;
  readonly after: Buffer | undefined;
}

function headMemoOf(answer: Answer): HeadMemo {
  const countdown =
    !answer.immutable && answer.body !== undefined ? countdownMiddle(answer) : undefined;
  return countdown === undefined
    ? { from: answer, before: Buffer.from(middleText(answer), 'latin1'), after: undefined }
    : { from: answer, before: countdown.before, after: countdown.after };
}

/** The head memo kept on `cached` for `answer`, made (and kept there) if it has none that fits. */
function cachedHeadMemo(answer: Answer, cached: CachedAnswer): HeadMemo {
  const memo = cached.memo as HeadMemo | undefined;
  if (memo !== undefined) {
    if (memo.from === answer) return memo;
    if (memo.after !== undefined && sameButMaxAge(memo.from, answer)) {
      memo.from = answer;
      return memo;
    }
  }
  const made = headMemoOf(answer);
  cached.memo = made;
  return made;
}

/**
 * Ends of the head after `Date: `, per second: the date and the connection fields. As
 * node:http (utcDate in _http_outgoing.js), the date is made when first needed and kept until
 * an unref'd timer set for the start of the next second marks it stale: a request reads no
 * clock (a Date.now() per request was one of the four clock reads of a cached hit). A timer
 * that fires early (libuv's loop time lags the wall clock) finds the same second and sets
 * itself again for the rest of it; a loop busy past the second boundary sends the old date
 * until it runs the timer, as node:http does.
 */
export class ResponseTail {
  /** The date fields must be made again: the second they were made in may be over. */
  private stale = true;
  private readonly expire = (): void => {
    this.stale = true;
  };
  private keepAliveTail = Buffer.alloc(0);
  private closeTail = Buffer.alloc(0);
  private readonly keepAliveFields: string;

  /** `keepAliveMs`: node:http's keepAliveTimeout, announced in whole seconds as it does. */
  constructor(keepAliveMs: number) {
    this.keepAliveFields =
      keepAliveMs > 0
        ? `\r\nConnection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(keepAliveMs / 1000)}\r\n\r\n`
        : '\r\nConnection: keep-alive\r\n\r\n';
  }

  /** Makes the date fields for the current second; they go stale when it ends. */
  private refresh(): void {
    const now = Date.now();
    const ms = now % 1000;
    const date = new Date(now - ms).toUTCString();
    this.keepAliveTail = Buffer.from(date + this.keepAliveFields, 'latin1');
    this.closeTail = Buffer.from(`${date}\r\nConnection: close\r\n\r\n`, 'latin1');
    this.stale = false;
    setTimeout(this.expire, 1000 - ms).unref();
  }

  /**
   * The head of a 200 answer for one request, followed by `body` if given, in one buffer.
   * The request id is `requestId` (the client's plain ASCII id, request-id.ts, written as
   * latin1 like the rest of the head) or, when undefined, the generated id numbered
   * `requestNumber`, written as bytes (request-id.ts: no id string is made for the head).
   * `cached`: the answer cache's entry `answer` came from, if it did (its head memo is kept
   * there).
   */
  bytes(
    answer: Answer,
    requestId: string | undefined,
    requestNumber: number,
    close: boolean,
    body: Buffer | undefined,
    cached?: CachedAnswer,
  ): Buffer {
    if (this.stale) this.refresh();
    // A countdown answer's middle comes in two parts with its max-age between them.
    let middle: Buffer;
    let after: Buffer | undefined;
    if (cached !== undefined) {
      const memo = cachedHeadMemo(answer, cached);
      middle = memo.before;
      after = memo.after;
    } else {
      const countdown =
        !answer.immutable && answer.body !== undefined
          ? countdownMiddleOf(answer, answer.body)
          : undefined;
      middle = countdown === undefined ? middleOf(answer) : countdown.before;
      after = countdown?.after;
    }
    const countdown = after !== undefined;
    const age = countdown ? String(answer.maxAge) : '';
    if (after === undefined) after = EMPTY;
    const tail = close ? this.closeTail : this.keepAliveTail;
    const idLength =
      requestId === undefined
        ? GENERATED_ID_PREFIX.length + requestNumberLength(requestNumber)
        : requestId.length;
    const headLength =
      STATUS_LINE_200.length + idLength + middle.length + age.length + after.length + tail.length;
    const out = Buffer.allocUnsafe(headLength + (body === undefined ? 0 : body.length));
    // TypedArray set, not Buffer copy: the same bytes, ~40 % less time for these small parts.
    out.set(STATUS_LINE_200, 0);
    let at = STATUS_LINE_200.length;
    if (requestId === undefined) {
      out.set(GENERATED_ID_PREFIX, at);
      writeRequestNumber(out, at + GENERATED_ID_PREFIX.length, requestNumber);
      at += idLength;
    } else {
      at += out.write(requestId, at, 'latin1');
    }
    out.set(middle, at);
    at += middle.length;
    if (countdown) {
      at += out.write(age, at, 'latin1');
      out.set(after, at);
      at += after.length;
    }
    out.set(tail, at);
    at += tail.length;
    if (body !== undefined) out.set(body, at);
    return out;
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
