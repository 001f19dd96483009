import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyRequest } from '../protocol/proxy-request.js';
import type { MetadataAnswer, ModuleService } from '../service/module-service.js';
import { parseByteRange } from './byte-range.js';
import { ModgateError } from '../errors/index.js';
import type { FastAnswers } from './fast-answers.js';
import { sendStream } from './send-stream.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const CONTENT_TYPE = {
  list: 'text/plain; charset=utf-8',
  latest: 'application/json',
  info: 'application/json',
  mod: 'text/plain; charset=utf-8',
  zip: 'application/zip',
} as const;

export interface ProxyHandlerOptions {
  service: ModuleService;
  listTtlMs: number;
  /** The clock list ages are measured with (the service's). */
  now: () => number;
  /** Where 200 `hit` answers to GET are offered for replay (see FastAnswers). */
  fastAnswers?: FastAnswers | undefined;
}

/**
 * Answers one parsed GOPROXY request: content types, cache headers (canonical files immutable,
 * list/@latest short-lived, a header saying when an answer is stale), and for zips ETag /
 * Last-Modified / Range on stored files and streaming on misses.
 */
export async function handleProxyRequest(
  req: IncomingMessage,
  res: ServerResponse,
  preq: ProxyRequest,
  opts: ProxyHandlerOptions,
): Promise<void> {
  const head = req.method === 'HEAD';
  // Only hits answered to a GET are offered for replay (HEAD and misses take this path).
  const fast = req.method === 'GET' ? opts.fastAnswers : undefined;
  const target = req.url ?? '';
  switch (preq.kind) {
    case 'list':
    case 'latest': {
      const answer = await opts.service.listOrLatest(preq);
      const age = answer.fetchedAt === undefined ? 0 : opts.now() - answer.fetchedAt;
      const maxAge =
        answer.cache === 'stale' ? 0 : Math.max(0, Math.floor((opts.listTtlMs - age) / 1000));
      sendBytes(res, head, CONTENT_TYPE[preq.kind], `public, max-age=${maxAge}`, answer);
      if (fast && answer.cache === 'hit' && answer.fetchedAt !== undefined) {
        fast.offerFresh(target, CONTENT_TYPE[preq.kind], answer.body, answer.fetchedAt);
      }
      return;
    }
    case 'info': {
      const answer = await opts.service.info(preq);
      const cacheControl = preq.canonical
        ? IMMUTABLE
        : `public, max-age=${Math.floor(opts.listTtlMs / 1000)}`;
      sendBytes(res, head, CONTENT_TYPE.info, cacheControl, answer);
      if (fast && preq.canonical && answer.cache === 'hit') {
        fast.offerImmutable(target, CONTENT_TYPE.info, answer.body);
      }
      return;
    }
    case 'mod': {
      const answer = await opts.service.mod(preq);
      sendBytes(res, head, CONTENT_TYPE.mod, IMMUTABLE, answer);
      if (fast && answer.cache === 'hit')
        fast.offerImmutable(target, CONTENT_TYPE.mod, answer.body);
      return;
    }
    case 'zip':
      await sendZip(req, res, preq, opts.service, head, fast);
      return;
  }
}

function sendBytes(
  res: ServerResponse,
  head: boolean,
  contentType: string,
  cacheControl: string,
  answer: MetadataAnswer,
): void {
  res.statusCode = 200;
  res.setHeader('content-type', contentType);
  res.setHeader('cache-control', cacheControl);
  res.setHeader('content-length', answer.body.length);
  res.setHeader('x-modgate-cache', answer.cache);
  if (answer.cache === 'stale') {
    // RFC 7234 warn-code 111: the refresh failed, this is the last good copy.
    res.setHeader('warning', '111 modgate "Revalidation Failed"');
    if (answer.staleReason) res.setHeader('x-modgate-stale-reason', headerSafe(answer.staleReason));
  }
  res.end(head ? undefined : answer.body);
}

async function sendZip(
  req: IncomingMessage,
  res: ServerResponse,
  preq: Extract<ProxyRequest, { kind: 'zip' }>,
  service: ModuleService,
  head: boolean,
  fast: FastAnswers | undefined,
): Promise<void> {
  const stored = await service.openStoredZip(preq);
  if (stored) {
    // A large zip comes opened: the stream is ours to consume or destroy.
    let stream = stored.stream;
    try {
      const { stat, data } = stored;
      res.setHeader('content-type', CONTENT_TYPE.zip);
      res.setHeader('cache-control', IMMUTABLE);
      res.setHeader('etag', stat.etag);
      res.setHeader('last-modified', stat.modified.toUTCString());
      res.setHeader('accept-ranges', 'bytes');
      res.setHeader('x-modgate-cache', 'hit');
      if (notModified(req, stat.etag, stat.modified)) {
        res.statusCode = 304;
        res.end();
        return;
      }
      const ifRange = req.headers['if-range'];
      const rangeHeader =
        ifRange === undefined || ifRange === stat.etag ? req.headers.range : undefined;
      const range = parseByteRange(rangeHeader, stat.size);
      if (range === 'unsatisfiable') {
        res.statusCode = 416;
        res.setHeader('content-range', `bytes */${stat.size}`);
        res.end();
        return;
      }
      if (head) {
        res.statusCode = 200;
        res.setHeader('content-length', stat.size);
        res.end();
        return;
      }
      if (data) {
        const body = range ? data.subarray(range.start, range.end + 1) : data;
        if (range) {
          res.statusCode = 206;
          res.setHeader('content-range', `bytes ${range.start}-${range.end}/${stat.size}`);
        } else {
          res.statusCode = 200;
        }
        res.setHeader('content-length', body.length);
        res.end(body);
        if (fast && !range) fast.offerZip(req.url ?? '', CONTENT_TYPE.zip, stat, data);
        return;
      }
      if (range) {
        // Ranges are rare (the go command never asks for one): open again at the range.
        stream?.destroy();
        stream = undefined;
        const opened = await service.readStoredZip(preq, range);
        if (!opened)
          throw new ModgateError(
            'internal',
            `stored zip ${preq.modulePath}@${preq.version} vanished`,
          );
        stream = opened.stream;
        res.statusCode = 206;
        res.setHeader('content-range', `bytes ${range.start}-${range.end}/${stat.size}`);
        res.setHeader('content-length', range.end - range.start + 1);
      } else {
        res.statusCode = 200;
        res.setHeader('content-length', stat.size);
      }
      if (!stream) throw new ModgateError('internal', 'stored zip opened without a stream');
      const source = stream;
      stream = undefined;
      await sendStream(source, res);
    } finally {
      stream?.destroy();
    }
    return;
  }

  const { download, reader } = await service.openZipDownload(preq);
  try {
    if (head) await download.finished;
    else await download.ready();
  } catch (err) {
    reader.destroy();
    throw err;
  }
  res.statusCode = 200;
  res.setHeader('content-type', CONTENT_TYPE.zip);
  res.setHeader('cache-control', IMMUTABLE);
  res.setHeader('x-modgate-cache', 'miss');
  const size = download.size;
  if (size !== undefined) res.setHeader('content-length', size);
  if (head) {
    reader.destroy();
    res.end();
    return;
  }
  // A failure after the response started cuts the connection: the client sees a truncated
  // zip, never bad content (see ZipDownload).
  await sendStream(reader, res);
}

function notModified(req: IncomingMessage, etag: string, modified: Date): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    return inm === '*' || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
  }
  const ims = req.headers['if-modified-since'];
  if (ims !== undefined) {
    const since = Date.parse(ims);
    return Number.isFinite(since) && Math.floor(modified.getTime() / 1000) * 1000 <= since;
  }
  return false;
}

function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, ' ').slice(0, 300);
}
