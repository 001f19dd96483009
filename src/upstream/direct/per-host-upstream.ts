import { pathMatch } from '../../module/index.js';
import type { UpstreamHealth } from '../resilient-upstream.js';
import type { FetchContext, RevInfo, Upstream, ZipSource } from '../upstream.js';

/** An upstream with its own health (a ResilientUpstream). */
export interface HostStack extends Upstream {
  health(): UpstreamHealth;
}

/**
 * Direct fetching with one resilience stack (circuit breaker, bulkhead, retries) per host, so
 * that one git server down does not open the breaker for every other (issue 16).
 *
 * The host is a module path's first element — the host of its go-get discovery and, for the
 * private modules that make up most direct fetching, of its repository. Only hosts named in
 * the configuration get a stack of their own (`hosts`: the first elements of the private
 * patterns, which may be globs such as `*.corp.example`, and the hosts of direct credentials
 * and ssh keys); a module under any other host goes to the shared `fallback` stack. So the
 * stacks are bounded by the configuration. The `upstream` label each reports its metrics and
 * /readyz state under is `direct:<N>`, N the host's position in that list (1-based), not the
 * host: a private host is itself a private name (the metrics must not show it), and a
 * position is stable for a given configuration.
 */
export class PerHostUpstream implements Upstream {
  readonly description: string;
  private readonly stacks = new Map<string, HostStack>();

  constructor(
    private readonly hosts: readonly string[],
    private readonly fallback: HostStack,
    /** The stack of the configured host at `index` (0-based) of `hosts`. */
    private readonly make: (host: string, index: number) => HostStack,
  ) {
    this.description = fallback.description;
  }

  /** The fallback's health first, then each host's stack made so far, in configuration order. */
  health(): UpstreamHealth[] {
    const hosts = this.hosts.filter((h) => this.stacks.has(h));
    return [
      this.fallback.health(),
      ...hosts.map((h) => (this.stacks.get(h) as HostStack).health()),
    ];
  }

  list(modulePath: string, ctx: FetchContext): Promise<string[]> {
    return this.stackFor(modulePath).list(modulePath, ctx);
  }
  info(modulePath: string, query: string, ctx: FetchContext): Promise<RevInfo> {
    return this.stackFor(modulePath).info(modulePath, query, ctx);
  }
  latest(modulePath: string, ctx: FetchContext): Promise<RevInfo> {
    return this.stackFor(modulePath).latest(modulePath, ctx);
  }
  mod(modulePath: string, version: string, ctx: FetchContext): Promise<Buffer> {
    return this.stackFor(modulePath).mod(modulePath, version, ctx);
  }
  zip(modulePath: string, version: string, ctx: FetchContext): Promise<ZipSource> {
    return this.stackFor(modulePath).zip(modulePath, version, ctx);
  }

  /** The stack of the first configured host (or pattern) matching the path's first element. */
  private stackFor(modulePath: string): Upstream {
    const first = (modulePath.split('/')[0] ?? '').toLowerCase();
    const index = this.hosts.findIndex((h) => pathMatch(h, first).matched);
    const host = this.hosts[index];
    if (host === undefined) return this.fallback;
    let stack = this.stacks.get(host);
    if (stack === undefined) {
      stack = this.make(host, index);
      this.stacks.set(host, stack);
    }
    return stack;
  }
}

/**
 * The hosts (or host patterns) that get a direct stack of their own, from the configuration:
 * the first element of each GOPRIVATE-syntax pattern, then the hosts of direct credentials and
 * ssh keys; lowercased, without duplicates, in that order (the first match wins).
 */
export function configuredHosts(
  privatePatterns: string,
  credentialHosts: readonly string[],
): string[] {
  const hosts = [
    ...privatePatterns.split(',').map((p) => p.trim().split('/')[0] ?? ''),
    ...credentialHosts,
  ];
  return [...new Set(hosts.map((h) => h.trim().toLowerCase()).filter((h) => h !== ''))];
}
