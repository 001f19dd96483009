import type { Config, UpstreamResilience as Settings } from '../config/index.js';
import { PerHostUpstream, configuredHosts } from '../upstream/direct/per-host-upstream.js';
import { ResilientUpstream, type UpstreamHealth } from '../upstream/resilient-upstream.js';
import type { UpstreamObserver, UpstreamOperation } from '../upstream/upstream-observer.js';
import type { Upstream } from '../upstream/upstream.js';

/**
 * The resilience stacks of the app's upstreams (issue 11 item 4), built from
 * `Config.resilience`: one ResilientUpstream per proxy entry of the chain, and for direct
 * fetching (`direct` entries and the private modules) one per git host named in the
 * configuration (PerHostUpstream: labelled `direct:<N>`, N its position there) plus a shared one (`direct`) for
 * every other host. Settings: the `per_upstream` entry naming the upstream (as written in
 * `upstream`, its URL without user information, or `direct` — which every direct stack
 * takes), else the defaults. Its `health()` is what /readyz shows of the upstreams.
 */
export class UpstreamResilience {
  private readonly stacks: ResilientUpstream[] = [];
  private directStack: PerHostUpstream | undefined;

  constructor(
    private readonly config: Config,
    private readonly observer?: UpstreamObserver,
  ) {}

  /**
   * A proxy entry's stack. Its deadline is the upstream's own timeout for the operation
   * (`upstream_http.metadata_timeout`, or `zip_timeout` until a zip's answer starts): retries
   * never make a request wait longer than one attempt could.
   */
  proxy(url: string, upstream: Upstream): Upstream {
    const { metadataTimeoutMs, zipTimeoutMs } = this.config.upstreamHttp;
    return this.stack(
      upstream,
      upstream.description,
      this.settingsFor([url, withoutUserinfo(url)]),
      {
        deadlineMs: (op: UpstreamOperation) => (op === 'zip' ? zipTimeoutMs : metadataTimeoutMs),
      },
    );
  }

  /**
   * The direct upstream's stacks, one per configured host (the same object however often
   * asked). Git has its own deadlines per command and no overall one is known here, so its
   * timeouts are not retried.
   */
  direct(upstream: Upstream): Upstream {
    const { direct } = this.config;
    const hosts = configuredHosts(this.config.private, [
      ...direct.credentials.map((c) => c.host),
      ...direct.sshKeys.map((k) => k.host),
    ]);
    this.directStack ??= new PerHostUpstream(
      hosts,
      this.stack(upstream, 'direct', this.settingsFor(['direct']), {}),
      (_host, index) =>
        this.stack(upstream, `direct:${index + 1}`, this.settingsFor(['direct']), {}),
    );
    return this.directStack;
  }

  /** Each stack's breaker state and last failure, in chain order (direct's last). */
  health(): UpstreamHealth[] {
    return [...this.stacks.map((s) => s.health()), ...(this.directStack?.health() ?? [])];
  }

  private stack(
    upstream: Upstream,
    label: string,
    settings: Settings,
    extra: { deadlineMs?: (op: UpstreamOperation) => number },
  ): ResilientUpstream {
    const stack = new ResilientUpstream(upstream, {
      label,
      settings,
      ...(this.observer === undefined ? {} : { observer: this.observer }),
      ...extra,
    });
    if (label !== 'direct' && !label.startsWith('direct:')) this.stacks.push(stack);
    return stack;
  }

  private settingsFor(names: string[]): Settings {
    const { defaults, perUpstream } = this.config.resilience;
    return perUpstream.find((p) => names.includes(p.upstream))?.settings ?? defaults;
  }
}

/** A URL with its user information (credentials) removed, as a per_upstream entry may name it. */
function withoutUserinfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
