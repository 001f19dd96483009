import type { Principal } from '../policy/index.js';
import type {
  ActivityFilter,
  ActivityView,
  CoordinationView,
  DashboardData,
  ModuleListView,
  ModuleView,
  PageRequest,
  SetupView,
  StatusView,
  StorageView,
  SumdbView,
  UpstreamView,
  VersionView,
} from './dashboard-data.js';

/** What the read model reads, each part a small interface or callback (app wires them). */
export interface ReadModelSources {
  /** modgate's version, as /version reports it. */
  version: string;
  startedAt: Date;
  now?: () => Date;
  storage: () => StorageView;
  upstreams: () => UpstreamView[];
  sumdb: () => SumdbView[];
  coordination?: (() => CoordinationView | undefined) | undefined;
  setup: (principal: Principal, baseUrl: string) => SetupView;
}

/**
 * The DashboardData of a running modgate (issue 15). Stubs where a part is not built yet:
 * empty module lists and activity.
 */
export class DashboardReadModel implements DashboardData {
  private readonly now: () => Date;

  constructor(private readonly sources: ReadModelSources) {
    this.now = sources.now ?? (() => new Date());
  }

  status(): Promise<StatusView> {
    const s = this.sources;
    const now = this.now();
    const coordination = s.coordination?.();
    return Promise.resolve({
      version: s.version,
      startedAt: s.startedAt.toISOString(),
      uptimeMs: now.getTime() - s.startedAt.getTime(),
      storage: s.storage(),
      upstreams: s.upstreams(),
      sumdb: s.sumdb(),
      ...(coordination === undefined ? {} : { coordination }),
      catalog: { modules: 0, versions: 0, rescanIntervalMs: 0 },
    });
  }

  modules(_q: string, _principal: Principal, _page: PageRequest): Promise<ModuleListView> {
    return Promise.resolve({ modules: [], total: 0 });
  }

  module(_path: string, _principal: Principal): Promise<ModuleView | undefined> {
    return Promise.resolve(undefined);
  }

  version(
    _path: string,
    _version: string,
    _principal: Principal,
  ): Promise<VersionView | undefined> {
    return Promise.resolve(undefined);
  }

  activity(_filter: ActivityFilter, _principal: Principal): ActivityView {
    return {
      recent: [],
      errors: [],
      topModules: [],
      cache: { hits: 0, misses: 0, ratio: 0 },
      requests: 0,
    };
  }

  setup(principal: Principal, baseUrl: string): SetupView {
    return this.sources.setup(principal, baseUrl);
  }
}
