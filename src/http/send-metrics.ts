import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModgateMetrics } from '../metrics/index.js';

/**
 * Answers a scrape: the registry's text exposition with its own Content-Type, never cached
 * (every scrape reads the counters now), no body for HEAD.
 */
export async function sendMetrics(
  res: ServerResponse,
  req: IncomingMessage,
  metrics: ModgateMetrics,
): Promise<void> {
  const { contentType, body } = await metrics.exposition();
  res.statusCode = 200;
  res.setHeader('content-type', contentType);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}
