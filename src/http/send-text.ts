import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A small answer modgate writes itself (usage, health, readiness, not-a-GOPROXY-path, the
 * client configuration): never cached by anyone in between, no body for HEAD.
 */
export function sendText(
  res: ServerResponse,
  req: IncomingMessage,
  status: number,
  body: string,
  type: 'text' | 'json' = 'text',
): void {
  res.statusCode = status;
  res.setHeader('content-type', type === 'json' ? 'application/json' : 'text/plain; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}
