import type {
  ActivityView,
  DashboardData,
  ModuleView,
  StatusView,
  VersionView,
} from '../../../src/dashboard/index.js';

/** Markup in user-controlled texts (block reasons, upstream errors, request paths). */
export const XSS = '<img src=x onerror=alert(1)>"\'&';

const status: StatusView = {
  version: '1.2.3',
  startedAt: '2026-12-06T20:00:00Z',
  uptimeMs: 3_723_000,
  storage: { backend: 'disk', description: '/srv/modgate', objects: 12, bytes: 1_536_000 },
  upstreams: [
    {
      name: 'proxy.golang.org',
      url: 'https://proxy.golang.org',
      state: 'open',
      errorRatio: 0.25,
      requests: 8,
      p50Ms: 12,
      p99Ms: 250,
      lastError: XSS,
    },
  ],
  sumdb: [
    {
      name: 'sum.golang.org',
      kind: 'proxied',
      lastVerifiedTreeSize: 42,
      lastVerifiedAt: '2026-12-06T21:00:00Z',
    },
  ],
  catalog: { modules: 2, versions: 3, rescanIntervalMs: 60_000 },
};

/** A module with more versions than a page lists. */
const bigModule: ModuleView = {
  path: 'example.com/big',
  private: false,
  hosted: false,
  goGet: 'go get example.com/big@v1.249.0',
  versions: Array.from({ length: 250 }, (_, i) => ({
    version: `v1.${249 - i}.0`,
    origin: 'upstream' as const,
  })),
};

const moduleView: ModuleView = {
  path: 'example.com/lib',
  private: false,
  hosted: false,
  goGet: 'go get example.com/lib@v1.1.0',
  versions: [
    {
      version: 'v1.1.0',
      time: '2026-01-02T03:04:05Z',
      size: 2048,
      origin: 'upstream',
      h1: 'h1:abc=',
    },
    { version: 'v1.0.0', origin: 'direct', blocked: { reason: XSS, rule: 'blk_1' } },
  ],
};

const versionView: VersionView = {
  ...(moduleView.versions[0] as ModuleView['versions'][number]),
  path: 'example.com/lib',
  goMod: `module example.com/lib\n\n// </pre><script>alert(1)</script>\n`,
  sumdb: { db: 'sum.golang.org', lines: ['example.com/lib v1.1.0 h1:abc='], verified: true },
  goGet: 'go get example.com/lib@v1.1.0',
};

const activity: ActivityView = {
  recent: [
    {
      time: '2026-12-06T21:00:00.123Z',
      method: 'GET',
      path: `/example.com/lib/@v/${XSS}`,
      status: 404,
      ms: 1.5,
      cache: 'miss',
    },
  ],
  errors: [],
  topModules: [{ path: 'example.com/lib', requests: 7 }],
  cache: { hits: 3, misses: 1, ratio: 0.75 },
  requests: 9,
};

/** A read model with one module of two versions, one blocked; XSS attempts in its texts. */
export const fakeDashboardData: DashboardData = {
  status: () => Promise.resolve(status),
  modules: (q) =>
    Promise.resolve({
      modules: 'example.com/lib'.includes(q)
        ? [
            {
              path: 'example.com/lib',
              versions: 2,
              latest: 'v1.1.0',
              private: false,
              hosted: false,
            },
          ]
        : [],
      total: 'example.com/lib'.includes(q) ? 1 : 0,
    }),
  module: (path) =>
    Promise.resolve(
      path === moduleView.path ? moduleView : path === bigModule.path ? bigModule : undefined,
    ),
  version: (path, version) =>
    Promise.resolve(
      path === versionView.path && version === versionView.version ? versionView : undefined,
    ),
  activity: () => activity,
  setup: (_p, baseUrl) => ({
    url: baseUrl,
    goEnv: [
      { name: 'GOPROXY', value: `${baseUrl},off`, command: `go env -w GOPROXY=${baseUrl},off` },
    ],
    netrc: 'machine 127.0.0.1 login alice password <your password or token>',
    doctor: `modgate doctor --server ${baseUrl}`,
  }),
};
