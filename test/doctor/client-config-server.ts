import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a company modgate's `/.well-known/modgate/client-config` on 127.0.0.1:
 * answers `body` (JSON-encoded unless a string) with `status`, and 404 elsewhere.
 */
export class ClientConfigServer {
  url = '';
  requests = 0;
  private constructor(
    private readonly server: Server,
    public body: unknown,
    public status = 200,
  ) {}

  static async start(body: unknown, status = 200): Promise<ClientConfigServer> {
    const server = createServer();
    const me = new ClientConfigServer(server, body, status);
    server.on('request', (req, res) => {
      me.requests++;
      if (req.url !== '/.well-known/modgate/client-config') {
        res.writeHead(404).end('not found\n');
        return;
      }
      const text = typeof me.body === 'string' ? me.body : JSON.stringify(me.body);
      res.writeHead(me.status, { 'content-type': 'application/json' }).end(text);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    me.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return me;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
