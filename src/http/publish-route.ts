import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ModgateError } from '../errors/index.js';
import { parseProxyPath } from '../protocol/proxy-request.js';
import type { Publisher } from '../service/publisher.js';
import { sendError } from './send-error.js';

/** The publish API's path prefix (`-` starts no module path, so it never shadows one). */
export const PUBLISH_PREFIX = '/-/api/publish/';

/** Who may publish: the publisher's name, or the refusal to send instead. */
export type PublishAuthorization =
  | { readonly ok: true; readonly user: string }
  | { readonly ok: false; readonly status: 400 | 401 | 403 | 404 | 503; readonly body: string };

export interface PublishRouteOptions {
  readonly publisher: Publisher;
  /** Where uploads are spooled (a directory of this process's own). */
  readonly spoolDir: string;
  /** The largest upload accepted (`limits.max_zip_size`): 413 beyond it, nothing kept. */
  readonly maxBytes: number;
  /** Asked before the body is read (authentication and the `publish` permission). */
  readonly authorize: (
    req: IncomingMessage,
    modulePath: string,
  ) => PublishAuthorization | Promise<PublishAuthorization>;
}

/**
 * `PUT /-/api/publish/<escaped module path>/@v/<escaped version>` with the module zip as the
 * body (issue 14 item 6; docs/hosted-modules.md): the go.mod travels inside the zip, at its
 * root, so one request carries the whole version and the two can never disagree. The path is
 * escaped as in GOPROXY URLs (`!` + lower case for upper case).
 *
 * Answers: 201 (published) or 200 (the same content was published before) with JSON
 * `{"module","version","h1","go_mod_h1","status"}`; 409 when the version exists with other
 * content; 400 bad path, version, zip or go.mod; 401/403 not allowed; 405 not a PUT; 413 too
 * large; 503 (with Retry-After) when credential checks are busy. Errors are plain text. Authorization is decided before a byte of the body is read.
 */
export async function handlePublish(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  options: PublishRouteOptions,
  requestId: string,
): Promise<void> {
  res.setHeader('x-request-id', requestId);
  let spool: string | undefined;
  try {
    if (req.method !== 'PUT') {
      res.setHeader('allow', 'PUT');
      return plain(
        res,
        405,
        `method ${req.method ?? ''} not allowed: publish with PUT (modgate publish)\n`,
      );
    }
    const target = parseProxyPath(`/${path.slice(PUBLISH_PREFIX.length)}.zip`);
    if (target === null || target.kind !== 'zip') {
      throw new ModgateError('invalid', `expected ${PUBLISH_PREFIX}<module path>/@v/<version>`);
    }
    const auth = await options.authorize(req, target.modulePath);
    if (!auth.ok) {
      if (auth.status === 401) res.setHeader('www-authenticate', 'Basic realm="modgate"');
      // Busy (every credential check slot taken): as the GOPROXY routes answer it, see auth-gate.
      if (auth.status === 503) res.setHeader('retry-after', '1');
      return plain(res, auth.status, auth.body);
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > options.maxBytes) return tooLarge(res, options.maxBytes);
    spool = join(options.spoolDir, `publish-${randomBytes(6).toString('hex')}.zip`);
    try {
      await pipeline(req, new ByteCap(options.maxBytes), createWriteStream(spool, { mode: 0o600 }));
    } catch (err) {
      if (err instanceof ModgateError && err.kind === 'too-large')
        return tooLarge(res, options.maxBytes);
      throw err;
    }
    const result = await options.publisher.publish({
      modulePath: target.modulePath,
      version: target.version,
      zipFile: spool,
      publisher: auth.user,
    });
    const status = result.outcome === 'created' ? 201 : result.outcome === 'unchanged' ? 200 : 409;
    if (status === 409) return plain(res, 409, result.message + '\n');
    const body = JSON.stringify({
      module: result.modulePath,
      version: result.version,
      h1: result.h1,
      go_mod_h1: result.goModH1,
      status: result.outcome,
    });
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(body + '\n');
  } catch (err) {
    sendError(res, err, requestId);
  } finally {
    if (spool !== undefined) await unlink(spool).catch(() => undefined);
  }
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(text);
}

function tooLarge(res: ServerResponse, max: number): void {
  // The rest of the body is not read: the connection closes after this answer.
  res.setHeader('connection', 'close');
  plain(res, 413, `module zip too large: at most ${max} bytes (limits.max_zip_size)\n`);
}

/** Fails with `too-large` past `max` bytes. */
class ByteCap extends Transform {
  private seen = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) cb(new ModgateError('too-large', 'upload too large'));
    else cb(null, chunk);
  }
}
