import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatIndexLine, parseIndexQuery } from '../protocol/index-feed.js';
import type { StoreTimeLog } from '../service/store-time-log.js';
import { sendText } from './send-text.js';

/** What `GET /index` needs: the store-time record, and who may see which module. */
export interface IndexFeedRoute {
  readonly log: Pick<StoreTimeLog, 'read'>;
  /**
   * Whether the client of `req` may see `modulePath` in the feed: the hook for access control
   * (a client sees the modules it may read). The app's default hides the modules matching
   * `private` from everyone, as the feed has no authenticated clients yet.
   */
  readonly visible: (req: IncomingMessage, modulePath: string) => boolean;
}

/**
 * `GET /index?since=<RFC 3339>&limit=N`: the versions this modgate stored, in the format of
 * index.golang.org (protocol/index-feed.ts). A malformed query is a 400 naming the parameter.
 * The answer changes as versions are stored: never cached.
 */
export async function sendIndexFeed(
  req: IncomingMessage,
  res: ServerResponse,
  rawUrl: string,
  route: IndexFeedRoute,
): Promise<void> {
  const q = rawUrl.indexOf('?');
  const query = parseIndexQuery(new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : ''));
  if (!query.ok) return sendText(res, req, 400, `bad index query: ${query.problem}\n`);
  const entries = await route.log.read(query.sinceNs, query.limit, (path) =>
    route.visible(req, path),
  );
  const body = entries.map(formatIndexLine).join('');
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}
