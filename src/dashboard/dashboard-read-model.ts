import { escapePath, escapeVersion } from '../module/index.js';
import { blockingRule, type Policy, type Principal } from '../policy/index.js';
import { modKey } from '../storage/module-keys.js';
import { hashGoMod } from '../zip/index.js';
import type { ActivityLog } from './activity-log.js';
import {
  latestOf,
  newestFirst,
  updatedAt,
  type CatalogModule,
  type CatalogVersion,
} from './catalog.js';
import type { CatalogLoader } from './catalog-loader.js';
import type {
  ActivityFilter,
  ActivityView,
  BlockedView,
  CoordinationView,
  DashboardData,
  ModuleListView,
  ModuleSummaryView,
  ModuleView,
  PageRequest,
  SetupView,
  StatusView,
  StorageView,
  SumdbView,
  UpstreamView,
  VersionSummaryView,
  VersionView,
} from './dashboard-data.js';
import { versionSumdb, type SumdbRecordSource } from './version-sumdb.js';

/** What the read model reads, each part a small interface or callback (app wires them). */
export interface ReadModelSources {
  /** modgate's version, as /version reports it. */
  version: string;
  startedAt: Date;
  now?: () => Date;
  storage: () => StorageView | Promise<StorageView>;
  upstreams: () => UpstreamView[] | Promise<UpstreamView[]>;
  sumdb: () => SumdbView[] | Promise<SumdbView[]>;
  coordination?: (() => CoordinationView | undefined) | undefined;
  setup: (principal: Principal, baseUrl: string) => SetupView;
  catalog: CatalogLoader;
  rescanIntervalMs: number;
  policy: Pick<Policy, 'may' | 'forModule'>;
  activity: ActivityLog;
  /** The request counters /metrics serves, by cache result; undefined: metrics are off. */
  cacheTotals?:
    | (() => { hit: number; miss: number; stale: number; revalidated: number; all: number })
    | undefined;
  /** Reads a stored file (the go.mod of a version). */
  readFile: (key: string) => Promise<Buffer | null>;
  /** The checksum database record of a version, where one applies. */
  sumdbRecord?: SumdbRecordSource | undefined;
}

/**
 * The DashboardData of a running modgate (issue 15): status from the app's parts and the
 * metrics, modules from the Catalog (memory, never a storage walk per request), a version's
 * details from storage and the checksum database, activity from the ActivityLog and the
 * request counters. Every module-naming answer is filtered by `policy.may(principal, 'read')`.
 */
export class DashboardReadModel implements DashboardData {
  private readonly now: () => Date;

  constructor(private readonly sources: ReadModelSources) {
    this.now = sources.now ?? (() => new Date());
  }

  async status(): Promise<StatusView> {
    const s = this.sources;
    const now = this.now();
    const coordination = s.coordination?.();
    const [storage, upstreams, sumdb] = await Promise.all([s.storage(), s.upstreams(), s.sumdb()]);
    const catalog = s.catalog.catalog;
    const scannedAt = catalog.scannedAt;
    return {
      version: s.version,
      startedAt: s.startedAt.toISOString(),
      uptimeMs: now.getTime() - s.startedAt.getTime(),
      storage,
      upstreams,
      sumdb,
      ...(coordination === undefined ? {} : { coordination }),
      catalog: {
        ...catalog.size,
        ...(Number.isNaN(scannedAt) ? {} : { scannedAt: new Date(scannedAt).toISOString() }),
        rescanIntervalMs: s.rescanIntervalMs,
      },
    };
  }

  private readable(principal: Principal, path: string): boolean {
    return this.sources.policy.may(principal, 'read', path);
  }

  modules(q: string, principal: Principal, page: PageRequest): Promise<ModuleListView> {
    const needle = q.trim().toLowerCase();
    const limit = Math.max(1, Math.min(500, Math.floor(page.limit)));
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    const out: ModuleSummaryView[] = [];
    let total = 0;
    let next: string | undefined;
    for (const m of this.sources.catalog.catalog.all()) {
      if (needle !== '' && !m.lower.includes(needle)) continue;
      if (!this.readable(principal, m.path)) continue;
      total++;
      if (after !== undefined && m.path <= after) continue;
      if (out.length < limit) out.push(this.summary(m));
      else if (next === undefined) next = encodeCursor(out.at(-1)?.path ?? '');
    }
    return Promise.resolve({ modules: out, total, ...(next === undefined ? {} : { next }) });
  }

  private summary(m: CatalogModule): ModuleSummaryView {
    const p = this.sources.policy.forModule(m.path);
    const t = updatedAt(m);
    return {
      path: m.path,
      versions: m.versions.size,
      latest: latestOf(m),
      ...(Number.isNaN(t) ? {} : { updatedAt: new Date(t).toISOString() }),
      private: p.private,
      hosted: p.hosted,
    };
  }

  module(path: string, principal: Principal): Promise<ModuleView | undefined> {
    const m = this.sources.catalog.catalog.get(path);
    if (m === undefined || !this.readable(principal, path)) return Promise.resolve(undefined);
    const p = this.sources.policy.forModule(path);
    return Promise.resolve({
      path,
      private: p.private,
      hosted: p.hosted,
      versions: newestFirst(m).map((v) => this.versionSummary(path, v)),
      goGet: `go get ${path}@${latestOf(m)}`,
    });
  }

  private versionSummary(path: string, v: CatalogVersion): VersionSummaryView {
    const p = this.sources.policy.forModule(path);
    const view: VersionSummaryView = {
      version: v.version,
      origin:
        v.publisher !== undefined || p.hosted
          ? 'published'
          : p.private || v.vcsOrigin
            ? 'direct'
            : 'upstream',
    };
    if (!Number.isNaN(v.time)) view.time = new Date(v.time).toISOString();
    if (v.size >= 0) view.size = v.size;
    if (v.h1 !== undefined) view.h1 = v.h1;
    if (v.publisher !== undefined) view.publisher = v.publisher;
    const blocked = blockedView(p.deny, v.version);
    if (blocked !== undefined) view.blocked = blocked;
    return view;
  }

  async version(
    path: string,
    version: string,
    principal: Principal,
  ): Promise<VersionView | undefined> {
    const v = this.sources.catalog.catalog.version(path, version);
    if (v === undefined || !this.readable(principal, path)) return undefined;
    const goMod = await this.sources.readFile(modKey(escapePath(path), escapeVersion(version)));
    const goModH1 = goMod === null ? v.goModH1 : hashGoMod(goMod);
    if (goModH1 !== undefined) v.goModH1 = goModH1;
    const sumdb = await versionSumdb(
      this.sources.sumdbRecord,
      path,
      v,
      this.sources.policy.forModule(path),
    );
    return {
      ...this.versionSummary(path, v),
      path,
      ...(goMod === null ? {} : { goMod: goMod.toString('utf8') }),
      ...(goModH1 === undefined ? {} : { goModH1 }),
      sumdb,
      goGet: `go get ${path}@${version}`,
    };
  }

  activity(filter: ActivityFilter, principal: Principal): ActivityView {
    const view = this.sources.activity.view(filter, (path) => this.readable(principal, path));
    const t = this.sources.cacheTotals?.();
    const hits = t === undefined ? 0 : t.hit + t.stale + t.revalidated;
    const misses = t?.miss ?? 0;
    return {
      ...view,
      cache: { hits, misses, ratio: hits + misses === 0 ? 0 : hits / (hits + misses) },
      requests: t?.all ?? 0,
    };
  }

  setup(principal: Principal, baseUrl: string): SetupView {
    return this.sources.setup(principal, baseUrl);
  }
}

function blockedView(
  rules: Parameters<typeof blockingRule>[0],
  version: string,
): BlockedView | undefined {
  const rule = blockingRule(rules, version);
  if (rule === undefined) return undefined;
  return {
    reason: rule.reason,
    rule:
      rule.id ??
      `deny[${rule.index}] ${rule.module}${rule.versions.text === '' ? '' : ` ${rule.versions.text}`}`,
  };
}

/** Cursors are opaque to clients: the last module path of the page, base64url. */
function encodeCursor(path: string): string {
  return Buffer.from(path, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string | undefined {
  const path = Buffer.from(cursor, 'base64url').toString('utf8');
  return path === '' ? undefined : path;
}
