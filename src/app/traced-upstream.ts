import { inSpan } from '../metrics/tracing/index.js';
import type { FetchContext, RevInfo, Upstream, ZipSource } from '../upstream/upstream.js';

/**
 * An Upstream decorator for tracing, around each entry of the chain (and the private-module
 * upstream): every call is a span `upstream <operation>` with the entry
 * (`modgate.upstream`: its description, credentials never included) and the module asked
 * for; the HTTP exchanges or git commands it makes are its children. A not-found answer
 * (the `,` fall-through) is not an error status. Wired by app only while tracing is on.
 */
export class TracedUpstream implements Upstream {
  readonly description: string;

  constructor(private readonly inner: Upstream) {
    this.description = inner.description;
  }

  list(modulePath: string, ctx: FetchContext): Promise<string[]> {
    return inSpan('upstream list', this.at(modulePath), () => this.inner.list(modulePath, ctx));
  }

  info(modulePath: string, query: string, ctx: FetchContext): Promise<RevInfo> {
    return inSpan('upstream info', this.at(`${modulePath}@${query}`), () =>
      this.inner.info(modulePath, query, ctx),
    );
  }

  latest(modulePath: string, ctx: FetchContext): Promise<RevInfo> {
    return inSpan('upstream latest', this.at(modulePath), () => this.inner.latest(modulePath, ctx));
  }

  mod(modulePath: string, version: string, ctx: FetchContext): Promise<Buffer> {
    return inSpan('upstream mod', this.at(`${modulePath}@${version}`), () =>
      this.inner.mod(modulePath, version, ctx),
    );
  }

  zip(modulePath: string, version: string, ctx: FetchContext): Promise<ZipSource> {
    return inSpan('upstream zip', this.at(`${modulePath}@${version}`), () =>
      this.inner.zip(modulePath, version, ctx),
    );
  }

  private at(module: string): { 'modgate.upstream': string; 'modgate.module': string } {
    return { 'modgate.upstream': this.description, 'modgate.module': module };
  }
}
