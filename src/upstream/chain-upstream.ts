import { ModgateError, isNotFound } from '../errors/index.js';
import type { FetchContext, RevInfo, Upstream, ZipSource } from './upstream.js';

export interface ChainEntry {
  upstream: Upstream;
  /** True when the entry was followed by `|` in the GOPROXY list: fall through on any error. */
  fallbackOnAnyError: boolean;
}

/**
 * An upstream list with the go command's fall-through rules (modfetch/proxy.go TryProxies):
 * after an entry followed by `,` only a not-found answer (404/410) moves on to the next entry;
 * after `|` any error does. When every entry failed, the most useful error is reported: the
 * first error that is not "not found", else the last "not found".
 */
export class ChainUpstream implements Upstream {
  readonly description: string;

  constructor(private readonly entries: readonly ChainEntry[]) {
    if (entries.length === 0) throw new ModgateError('invalid', 'upstream list is empty');
    this.description = entries
      .map(
        (e, i) =>
          e.upstream.description +
          (i < entries.length - 1 ? (e.fallbackOnAnyError ? '|' : ',') : ''),
      )
      .join('');
  }

  list(modulePath: string, ctx: FetchContext): Promise<string[]> {
    return this.try((u) => u.list(modulePath, ctx));
  }
  info(modulePath: string, query: string, ctx: FetchContext): Promise<RevInfo> {
    return this.try((u) => u.info(modulePath, query, ctx));
  }
  latest(modulePath: string, ctx: FetchContext): Promise<RevInfo> {
    return this.try((u) => u.latest(modulePath, ctx));
  }
  mod(modulePath: string, version: string, ctx: FetchContext): Promise<Buffer> {
    return this.try((u) => u.mod(modulePath, version, ctx));
  }
  zip(modulePath: string, version: string, ctx: FetchContext): Promise<ZipSource> {
    return this.zipFrom(0, (u) => u.zip(modulePath, version, ctx));
  }

  /**
   * A zip from the entries starting at `from`. When the entry that answered is followed by `|`,
   * the source carries a fallback to the entries after it (see ZipSource.fallback): a failure
   * in the body is an error like any other there, so the go command's `|` rule covers it.
   */
  private async zipFrom(from: number, op: (u: Upstream) => Promise<ZipSource>): Promise<ZipSource> {
    const { value, index } = await this.tryFrom(from, op);
    const entry = this.entries[index];
    if (value.fallback !== undefined || !entry?.fallbackOnAnyError) return value;
    if (index + 1 >= this.entries.length) return value;
    return { ...value, fallback: () => this.zipFrom(index + 1, op) };
  }

  private async try<T>(op: (u: Upstream) => Promise<T>): Promise<T> {
    return (await this.tryFrom(0, op)).value;
  }

  private async tryFrom<T>(
    from: number,
    op: (u: Upstream) => Promise<T>,
  ): Promise<{ value: T; index: number }> {
    let firstFailure: unknown;
    let lastNotFound: unknown;
    for (let index = from; index < this.entries.length; index++) {
      const entry = this.entries[index];
      if (entry === undefined) break;
      try {
        return { value: await op(entry.upstream), index };
      } catch (err) {
        if (isNotFound(err)) {
          lastNotFound = err;
          continue;
        }
        firstFailure ??= err;
        if (!entry.fallbackOnAnyError) break;
      }
    }
    throw firstFailure ?? lastNotFound;
  }
}

/** The `off` entry: every lookup is "not found" (as in the go command, where it is NotExist). */
export class OffUpstream implements Upstream {
  readonly description = 'off';
  private fail(modulePath: string): Promise<never> {
    return Promise.reject(
      new ModgateError('not-found', `${modulePath}: module lookup disabled by upstream "off"`),
    );
  }
  list(modulePath: string): Promise<string[]> {
    return this.fail(modulePath);
  }
  info(modulePath: string): Promise<RevInfo> {
    return this.fail(modulePath);
  }
  latest(modulePath: string): Promise<RevInfo> {
    return this.fail(modulePath);
  }
  mod(modulePath: string): Promise<Buffer> {
    return this.fail(modulePath);
  }
  zip(modulePath: string): Promise<ZipSource> {
    return this.fail(modulePath);
  }
}
