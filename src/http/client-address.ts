import { BlockList, isIP } from 'node:net';

/**
 * The address of the client behind a request (issue 14 item 4): the connection's peer, unless
 * that peer is one of the configured trusted proxies (`trusted_proxies`, addresses or CIDRs):
 * then `X-Forwarded-For` is read from the right, each trusted proxy's hop skipped, and the
 * first address that is not a trusted proxy is the client. Entries left of it were written by
 * the client itself and prove nothing; an entry that is not an address stops the walk at the
 * last trusted hop. A request from any other peer has its X-Forwarded-For ignored, so nobody
 * can choose the address their requests are logged, audited and rate-limited under.
 */
export class ClientAddresses {
  private readonly trusted: BlockList | undefined;

  constructor(trustedProxies: readonly string[]) {
    if (trustedProxies.length === 0) return;
    const list = new BlockList();
    for (const entry of trustedProxies) {
      const slash = entry.indexOf('/');
      const address = slash < 0 ? entry : entry.slice(0, slash);
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (slash < 0) list.addAddress(address, type);
      else list.addSubnet(address, Number(entry.slice(slash + 1)), type);
    }
    this.trusted = list;
  }

  /** Whether any proxy is trusted (else `of` is the peer address, and costs nothing). */
  get active(): boolean {
    return this.trusted !== undefined;
  }

  /** The client address for a connection from `peer` that sent `forwardedFor` (if any). */
  of(peer: string | undefined, forwardedFor: string | readonly string[] | undefined): string {
    const remote = plain(peer ?? '');
    if (this.trusted === undefined || forwardedFor === undefined || !this.isTrusted(remote)) {
      return remote;
    }
    const hops = (typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(','))
      .split(',')
      .map((hop) => plain(hop.trim()));
    let client = remote;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] ?? '';
      if (isIP(hop) === 0) break;
      client = hop;
      if (!this.isTrusted(hop)) break;
    }
    return client;
  }

  private isTrusted(address: string): boolean {
    const family = isIP(address);
    if (family === 0 || this.trusted === undefined) return false;
    return this.trusted.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** An IPv4-mapped IPv6 address as IPv4 (what a dual-stack socket reports for IPv4 peers). */
function plain(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
