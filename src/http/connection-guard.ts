import type { DropArgument, Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { RateLimitedWarning } from '../log/rate-limited-warning.js';

/**
 * Caps on open client connections, so that clients holding connections open (idle, slow,
 * or many at once) cannot use up the process's file descriptors and lock everyone out:
 *
 * - in total (`server.max_connections`), enforced by the listening server itself
 *   (`server.maxConnections`: a connection over the cap is closed before anything is read);
 * - per client (`server.max_connections_per_client`): a connection from an address that
 *   already holds that many is closed at once. An IPv6 client is its /64 network (one host
 *   may use any address in it); an IPv4-mapped IPv6 address is its IPv4 address.
 *
 * A refused connection is closed without an answer: writing a 503 would first mean reading
 * the request (closing a socket with unread data resets it, losing the answer), which costs
 * the very resources the cap protects, and the go command fails the fetch either way.
 * Refusals are counted (`counts`, for metrics) and logged as warnings at most once per 10 s
 * per cap, with how many were refused since the last line.
 *
 * Timeouts (header, request, idle) are node:http settings; see ProxyServer.
 */
export class ConnectionGuard {
  private readonly byClient = new Map<string, number>();
  private open = 0;
  private refusedTotal = 0;
  private refusedPerClient = 0;
  private readonly totalWarning: RateLimitedWarning;
  private readonly perClientWarning: RateLimitedWarning;

  constructor(
    server: Server,
    private readonly caps: ConnectionCaps,
    logger: Logger,
  ) {
    this.totalWarning = new RateLimitedWarning(
      logger,
      `connections refused: server.max_connections (${caps.total}) reached`,
      'refused',
    );
    this.perClientWarning = new RateLimitedWarning(
      logger,
      `connections refused: server.max_connections_per_client (${caps.perClient}) reached`,
      'refused',
    );
    server.maxConnections = caps.total;
    server.on('drop', (data?: DropArgument) => {
      this.refusedTotal++;
      this.totalWarning.note({ client: data?.remoteAddress, limit: caps.total });
    });
    server.on('connection', (socket: Socket) => this.admit(socket));
  }

  /** Open connections, and connections refused so far by each cap. */
  get counts(): ConnectionCounts {
    return {
      open: this.open,
      refusedMaxConnections: this.refusedTotal,
      refusedPerClient: this.refusedPerClient,
    };
  }

  /** Writes the refusals not logged yet (at shutdown). */
  close(): void {
    this.totalWarning.close();
    this.perClientWarning.close();
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress;
    if (address === undefined) {
      // Already closed by the client: nothing to serve.
      socket.destroy();
      return;
    }
    const key = this.caps.perClient > 0 ? clientKey(address) : '';
    const held = this.byClient.get(key) ?? 0;
    if (this.caps.perClient > 0 && held >= this.caps.perClient) {
      this.refusedPerClient++;
      this.perClientWarning.note({ client: key, limit: this.caps.perClient });
      socket.destroy();
      return;
    }
    this.open++;
    this.byClient.set(key, held + 1);
    socket.once('close', () => {
      this.open--;
      const left = (this.byClient.get(key) ?? 1) - 1;
      if (left > 0) this.byClient.set(key, left);
      else this.byClient.delete(key);
    });
  }
}

export interface ConnectionCounts {
  /** Client connections open now (refused ones excluded). */
  readonly open: number;
  /** Connections closed at once because `server.max_connections` were open. */
  readonly refusedMaxConnections: number;
  /** Connections closed at once because their client held `server.max_connections_per_client`. */
  readonly refusedPerClient: number;
}

export interface ConnectionCaps {
  readonly total: number;
  /** 0: no per-client cap. */
  readonly perClient: number;
  /** The configured total, when the descriptor limit lowered it. */
  readonly loweredFrom?: number | undefined;
}

/** Descriptors kept for everything but client connections: upstream sockets, git, logs, spools. */
const RESERVED_DESCRIPTORS = 256;

/**
 * The caps in force, from the configured ones and the process's descriptor limit (undefined:
 * unknown). Total: at most half of what the limit leaves after RESERVED_DESCRIPTORS, because a
 * connection streaming a zip from disk holds a file open as well (at least 16). Per client: at
 * most half the total, so that no single client can take every connection.
 */
export function connectionCaps(
  maxConnections: number,
  maxPerClient: number,
  descriptorLimit: number | undefined,
): ConnectionCaps {
  const bound =
    descriptorLimit === undefined
      ? Infinity
      : Math.max(16, Math.floor((descriptorLimit - RESERVED_DESCRIPTORS) / 2));
  const total = Math.min(maxConnections, bound);
  const perClient = maxPerClient === 0 ? 0 : Math.min(maxPerClient, Math.ceil(total / 2));
  return { total, perClient, loweredFrom: total < maxConnections ? maxConnections : undefined };
}

/**
 * What the per-client cap counts by: the IPv4 address (IPv4-mapped IPv6 unwrapped), or the
 * /64 network of an IPv6 address (`2001:db8:1:2::/64`).
 */
export function clientKey(address: string): string {
  if (!address.includes(':')) return address;
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && lower.includes('.')) return lower.slice('::ffff:'.length);
  const groups = ipv6Groups(lower);
  return groups === undefined ? lower : `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, each in short hex; undefined when malformed. */
function ipv6Groups(address: string): string[] | undefined {
  const zone = address.indexOf('%');
  const bare = zone >= 0 ? address.slice(0, zone) : address;
  const halves = bare.split('::');
  if (halves.length > 2) return undefined;
  const split = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = split(halves[0] ?? '');
  const tail = split(halves[1] ?? '');
  // A dotted IPv4 ending stands for two groups.
  const width = (groups: string[]): number =>
    groups.length + (groups.at(-1)?.includes('.') ? 1 : 0);
  const missing = 8 - width(head) - width(tail);
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const out: string[] = [];
  for (const g of groups) {
    if (g.includes('.')) break; // only the first four groups are used
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    out.push(parseInt(g, 16).toString(16));
  }
  return out.length >= 4 ? out : undefined;
}
