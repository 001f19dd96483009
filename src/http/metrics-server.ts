import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ModgateMetrics } from '../metrics/index.js';
import { sendMetrics } from './send-metrics.js';
import { sendText } from './send-text.js';

/**
 * The separate listener of `metrics.listen`: answers GET/HEAD /metrics and nothing else
 * (404; 405 for other methods), so the metrics can be reachable where the proxy is not, or
 * the other way round. Its requests are not counted in the request metrics: they are not
 * proxy traffic.
 */
export class MetricsServer {
  private readonly server: Server;

  constructor(
    private readonly metrics: ModgateMetrics,
    private readonly logger: Logger,
  ) {
    this.server = createServer({ keepAliveTimeout: 5000 }, (req, res) => this.onRequest(req, res));
  }

  /** Binds `host:port`; resolves with the base URL. */
  async listen(host: string, port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address() as AddressInfo;
    const hostPart = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `http://${hostPart}:${addr.port}`;
  }

  /** Stops listening and closes its connections (a scrape in progress is cut). */
  stop(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendText(res, req, 405, `method ${req.method ?? ''} not allowed\n`);
      return;
    }
    if (path !== '/metrics') {
      sendText(res, req, 404, 'not found: this listener serves /metrics only\n');
      return;
    }
    sendMetrics(res, req, this.metrics).catch((err: unknown) => {
      this.logger.error({ err }, 'metrics scrape failed');
      if (!res.headersSent) sendText(res, req, 500, 'metrics could not be collected\n');
      else res.destroy();
    });
  }
}
