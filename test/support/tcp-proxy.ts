import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A TCP relay on 127.0.0.1 between the processes under test and a shared server (radosgw), so
 * a test can take "the server" away from its own processes without stopping the server that
 * other test files use at the same time:
 *
 * - `cut()`: every relayed connection is reset and new ones are reset as soon as they are
 *   accepted (what clients see of a server that died: ECONNRESET / "socket hang up");
 *   `restore()` relays again.
 * - `uploadBytesPerSecond`: client → server bytes are relayed at about this pace (0: no limit),
 *   to hold an upload in progress long enough to kill its sender mid-way.
 *
 * `uploadedBytes` counts the client → server bytes relayed.
 *
 * Given several targets, each new connection goes to the next one in turn: a layer-4 load
 * balancer like a Kubernetes Service (bench/replicas.ts puts one in front of replicas).
 */
export class TcpProxy {
  uploadBytesPerSecond = 0;
  uploadedBytes = 0;
  url = '';
  private isCut = false;
  private readonly pairs = new Set<[Socket, Socket]>();
  private next = 0;

  private constructor(
    private readonly server: Server,
    private readonly targets: { host: string; port: number }[],
  ) {}

  /**
   * A relay to the host and port of `targetUrl` (an http:// URL), or of each of several in
   * turn; `url` is the relay's, with the (first) target's scheme.
   */
  static async start(targetUrl: string | string[]): Promise<TcpProxy> {
    const urls = (Array.isArray(targetUrl) ? targetUrl : [targetUrl]).map((u) => new URL(u));
    const [first] = urls;
    if (first === undefined) throw new Error('TcpProxy: no target');
    const server = createServer();
    const proxy = new TcpProxy(
      server,
      urls.map((u) => ({
        host: u.hostname,
        port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
      })),
    );
    server.on('connection', (client) => proxy.relay(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    proxy.url = `${first.protocol}//127.0.0.1:${port}`;
    return proxy;
  }

  /** Resets every relayed connection; new ones are reset until `restore()`. */
  cut(): void {
    this.isCut = true;
    for (const [client, upstream] of this.pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  restore(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    client.on('error', () => undefined);
    if (this.isCut) {
      client.resetAndDestroy();
      return;
    }
    const target = this.targets[this.next++ % this.targets.length];
    if (target === undefined) return;
    const upstream = createConnection(target);
    upstream.on('error', () => client.destroy());
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const forget = (): void => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.once('close', forget);
    upstream.once('close', forget);
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      this.uploadedBytes += chunk.length;
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
      const pace = this.uploadBytesPerSecond;
      if (pace > 0) {
        // Hold the client back for as long as this chunk takes at the pace (TCP flow control
        // then slows the sender down).
        client.pause();
        void sleep(Math.ceil((chunk.length / pace) * 1000)).then(() => {
          if (!client.destroyed && upstream.writableNeedDrain === false) client.resume();
        });
      }
    });
    client.once('end', () => upstream.end());
  }
}
