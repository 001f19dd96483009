import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { ProxyServer } from '../http/proxy-server.js';
import { ModuleService } from '../service/module-service.js';
import { compilePolicy } from '../policy/index.js';
import { InstanceDir } from '../storage/disk/instance-dir.js';
import { HttpClient } from '../upstream/http-client.js';
import { outboundProxyFromEnv, type OutboundProxySettings } from '../upstream/outbound-proxy.js';
import type { App } from './app.js';
import { RequestTracing, traceLogFields, type Tracing } from '../metrics/tracing/index.js';
import { setLogMixin } from '../log/index.js';
import { TracedStorage } from './traced-storage.js';
import { TracedUpstream } from './traced-upstream.js';
import { parseGosumdb } from '../sumdb/gosumdb-config.js';
import { SumdbChecksumGate } from '../sumdb/verify/index.js';
import {
  HostedSumdb,
  LoggedChecksumGate,
  defaultClientUrl,
  gosumdbValue,
  openOwnSumdb,
} from '../sumdb/server/index.js';
import { hostname } from 'node:os';
import { clientConfig } from './client-config.js';
import { MODGATE_VERSION } from './version.js';
import { AppMetrics, meteredStorage } from './app-metrics.js';
import { buildCoordinator } from './build-coordinator.js';
import { UpstreamResilience } from './upstream-resilience.js';
import { SumdbHealthRegistry } from './sumdb-health.js';
import { versionJson } from './version-info.js';
import { sourceCommit } from './source-commit.js';
import { RateLimiter } from '../http/rate-limit.js';
import { buildValidator } from './validator.js';
import { buildPublishing } from './publishing.js';
import { buildClientSecurity } from './client-security.js';
import { recordStoreTimes } from './store-times.js';
import { buildStorage } from './build-storage.js';
import { buildAdminRoutes, buildRuntimeBlocks } from './build-admin.js';
import { buildDirect, buildUpstream } from './build-upstream.js';
import { StoreTimeLog } from '../service/store-time-log.js';
import { buildDashboard, dashboardFeeds } from './build-dashboard.js';
import type { ClientConfig } from '../doctor/doctor-context.js';

/**
 * The composition root: the one place where configuration becomes objects. Features are
 * wired here as decorators or policy entries, not threaded through constructors.
 */
export async function buildApp(config: Config, logger: Logger): Promise<App> {
  // HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as the go command and git read them; a malformed one
  // stops start-up before anything is opened.
  const proxy = outboundProxyFromEnv(process.env);
  // Tracing (config.tracing): storage calls and each upstream's calls become spans.
  const traced = config.tracing.otlpEndpoint !== '';
  const metrics = AppMetrics.create(config, logger); // undefined when metrics.enabled is false
  const built = meteredStorage(metrics, await buildStorage(config));
  // Every zip stored for the first time is recorded with its time (for GET /index, issue 13).
  const storeTimes = new StoreTimeLog(traced ? new TracedStorage(built) : built);
  // The dashboard's catalog of stored modules sees every write (issue 15).
  const recorded = recordStoreTimes(storeTimes, logger);
  const feeds = dashboardFeeds(recorded, logger);
  const storage = feeds.catalog.watch(recorded);
  const client = new HttpClient({
    connectTimeoutMs: config.upstreamHttp.connectTimeoutMs,
    maxConnections: config.upstreamHttp.maxConnections,
    userAgent: `modgate/${MODGATE_VERSION}`,
    proxy,
  });
  // Zips being downloaded: a directory of this process's own, so that other processes on the
  // same data directory (or /tmp) keep theirs; what dead ones left is removed once stale.
  const spool = await InstanceDir.claim(
    config.storage.backend === 'disk'
      ? join(config.dataDir, '.spool')
      : join(tmpdir(), `modgate-spool-${process.getuid?.() ?? 'user'}`),
  );
  const spoolDir = spool.path;
  // The per-module policy, compiled once: every layer asks this one object (private, verify,
  // insecure, GOVCS) instead of matching the pattern strings itself.
  const policy = compilePolicy({
    private: config.private,
    noVerify: config.sumdb.noVerify,
    insecure: config.direct.insecure,
    vcsPolicy: config.direct.vcsPolicy,
    access: config.access,
    deny: config.deny,
    hosted: config.publish.modules,
  });
  // Users, trusted proxies, audit, TLS (issue 14): a bad users file or certificate stops here.
  const security = buildClientSecurity(config, policy, logger);
  const direct = await buildDirect(config, client, spoolDir, policy, logger, metrics?.gitObserver);
  // Retries, circuit breaker and bulkhead per upstream (issue 11): one stack per proxy entry,
  // one for direct fetching (its `direct` entries and the private modules).
  const resilience = new UpstreamResilience(config, metrics?.upstreamObserver);
  const directUpstream = resilience.direct(direct.upstream);
  const upstream = buildUpstream(config, client, directUpstream, resilience);
  metrics?.watchGitCache(direct.gitStats);

  // One client per database, shared by the /sumdb/ proxy and the checksum gate (one
  // remembered tree head, one cache). The gate verifies against the first database: the one
  // clients use as GOSUMDB. Proxying and verifying are independent settings.
  const sumdbHealth = new SumdbHealthRegistry(); // each database's last outcome, for /readyz
  const databases = config.sumdb.databases.flatMap((entry) => parseGosumdb(entry) ?? []);
  const sumdbClients = (
    config.sumdb.proxy ? databases : databases.slice(0, config.sumdb.verify ? 1 : 0)
  ).map((db) => sumdbHealth.client(db, storage, client, { policy, offline: config.sumdb.offline }));
  const sumdbs = config.sumdb.proxy ? sumdbClients : [];
  const verifyAgainst = config.sumdb.verify ? sumdbClients[0] : undefined;
  const checksumGate =
    verifyAgainst === undefined
      ? undefined
      : new SumdbChecksumGate({
          client: verifyAgainst,
          policy,
          onUnreachable: config.sumdb.onUnreachable,
          logger,
        });
  // Coordination across replicas (coordination.*, docs/replicas.md): misses, not-found answers
  // and list freshness shared, and the own checksum database's writer lock — or in-process.
  const coordinator = await buildCoordinator(config, logger, metrics?.metrics);
  const writerLock = config.coordination.redisUrl === '' ? undefined : coordinator;
  // modgate's own checksum database: its log fixes what it has logged (a gate after the
  // verification against the upstream database), and lookups log what the service stores.
  const own = config.sumdbServer.enabled
    ? await openOwnSumdb(storage, config.sumdbServer.name, writerLock).catch(async (err) => {
        await coordinator.close(); // not started: no connection left behind
        throw err;
      })
    : undefined;
  // The validator hook (issue 14 item 3): the last gate, asked about each new zip.
  const validator = buildValidator(config, logger, () => service);
  const gates = [
    ...(checksumGate === undefined ? [] : [checksumGate]),
    ...(own === undefined ? [] : [new LoggedChecksumGate(own.log)]),
    ...(validator === undefined ? [] : [validator]),
    feeds.catalog.gate, // learns the h1: hashes of what is stored; refuses nothing
  ];
  const service = new ModuleService({
    storage,
    upstreams: {
      chain: upstream,
      private: traced ? new TracedUpstream(directUpstream) : directUpstream,
    },
    policy,
    stash: {
      spoolDir,
      checksumGates: gates,
      maxZipBytes: config.limits.maxZipBytes,
      onJoin: metrics?.onCoalesced, // zip requests joining a download
      // A verified file stored behind its answer that could not be stored (issue 9 item 6).
      onStoreError: (key, err) =>
        logger.error(
          { key, err: err instanceof Error ? err.message : String(err) },
          'store failed',
        ),
    },
    cache: { listTtlMs: config.cache.listTtlMs, notFoundTtlMs: config.cache.notFoundTtlMs },
    onCoalesced: metrics?.onCoalesced,
    prefetchZips: config.cache.prefetchZips,
    coordinator,
  });
  metrics?.watch({ service, checksumGate, ownTreeSize: own && (() => own.log.tree.n) });
  // Blocks added at run time (issue 15): stored under -/blocks/, loaded before listening.
  const runtimeBlocks = buildRuntimeBlocks(config, storage, policy, service, coordinator, logger);
  const hosted = own === undefined ? [] : [new HostedSumdb(own.log, service)];
  // `modgate publish` (issue 14 item 6): served when publish.enabled.
  const publishDeps = { storage, policy, spoolDir, validator, logger };
  const authenticate = (header: string | undefined) => security.gate.authenticate(header);
  const ownDb = own && hosted[0] && { log: own.log, hosted: hosted[0] };
  const publish = buildPublishing(config, service, { ...publishDeps, own: ownDb, authenticate });
  if (own !== undefined && config.storage.backend === 'memory') {
    logger.warn(
      `checksum database ${own.log.name}: storage is memory, so its key and log die with this process; clients must change GOSUMDB after every restart`,
    );
  }
  /** Set once listening, when the port is known (`modgate doctor --server` reads it). */
  let clientConfigJson: string | undefined;
  let clientSettings: ClientConfig | undefined;
  /** The same for a client that did not authenticate while reads are restricted: no patterns. */
  let anonymousClientConfigJson: string | undefined;
  // Per-client rate limiting (429), off at 0. The fast path answers cached hits without
  // node:http, and so without the limiter: it is off while limiting.
  const rateLimit =
    config.rateLimit.requestsPerSecond > 0 ? new RateLimiter({ ...config.rateLimit }) : undefined;
  // The OpenTelemetry SDK and exporter are loaded only when tracing is on (issue 9: peak RSS).
  let tracing: Tracing | undefined;
  if (config.tracing.otlpEndpoint !== '') {
    // eslint-disable-next-line no-restricted-syntax -- app may import metrics (a literal, layer-allowed target)
    const { startTracing } = await import('../metrics/tracing/start-tracing.js');
    tracing = startTracing({ ...config.tracing, logger });
  }
  if (tracing !== undefined) setLogMixin(logger, traceLogFields);
  const server = new ProxyServer({
    service,
    logger,
    accessLog: config.log.accessLog,
    shutdownGraceMs: config.server.shutdownGraceMs,
    headerTimeoutMs: config.server.headerTimeoutMs,
    requestTimeoutMs: config.server.requestTimeoutMs,
    idleTimeoutMs: config.server.idleTimeoutMs,
    sendTimeoutMs: config.server.sendTimeoutMs,
    maxConnections: config.server.maxConnections,
    maxConnectionsPerClient: config.server.maxConnectionsPerClient,
    // A traced request goes through node:http (the fast path makes no spans).
    fastPath: config.server.fastPath && tracing === undefined && rateLimit === undefined,
    // Off: no spans, but a client's traceparent is passed on to the upstreams.
    tracing: tracing?.requests ?? new RequestTracing(),
    clientConfig: (principal) =>
      principal.user !== undefined || policy.anonymousReadsAll
        ? clientConfigJson
        : anonymousClientConfigJson,
    gate: security.gate,
    clientAddresses: security.clientAddresses,
    audit: security.audit,
    tls: security.tls,
    metrics: metrics?.metrics,
    metricsRoute: metrics?.onMainListener,
    health: { upstreams: () => resilience.health(), sumdb: () => sumdbHealth.health() },
    version: versionJson(config, sourceCommit()),
    rateLimit,
    publish,
    activity: feeds.activity,
    // Private modules are left out of the feed: it has no authenticated clients to show them to.
    indexFeed: { log: storeTimes, visible: (_req, path) => !policy.forModule(path).private },
    // The dashboard's pages and API under /-/ (issue 15; docs/api.md).
    dashboard: buildDashboard({
      config,
      logger,
      apiRoutes: buildAdminRoutes(runtimeBlocks, service, policy, security, logger),
      gate: security.gate,
      storage,
      policy,
      ...feeds,
      metrics: metrics?.metrics,
      upstreams: () => resilience.health(),
      sumdbHealth: () => sumdbHealth.health(),
      sumdbClients,
      verifyAgainst,
      own: own?.log,
      clientSettings: (principal) => ({
        configuredUrl: config.server.publicUrl || config.sumdbServer.url || undefined,
        private:
          principal.user !== undefined || policy.anonymousReadsAll
            ? (clientSettings?.private ?? '')
            : '',
        gosumdb: clientSettings?.gosumdb ?? '',
        credentials: security.gate.authenticating,
      }),
    }),
    sumdb:
      sumdbs.length === 0 && hosted.length === 0
        ? undefined
        : { databases: sumdbs, hosted, policy },
  });

  return {
    async start() {
      await runtimeBlocks.start();
      feeds.catalog.start();
      const url = await server.listen(config.listen.host, config.listen.port);
      security.watch((tls) => server.setSecureContext(tls));
      const metricsUrl = await metrics?.start();
      logger.info(
        {
          url,
          storage: storage.description,
          coordination: coordinator.description,
          upstream: upstream.description,
          private: config.private,
          checksumVerification: checksumGate?.database ?? 'off',
          tracing: traced ? new URL(config.tracing.otlpEndpoint).origin : 'off',
          ...describeProxy(proxy),
        },
        'modgate listening',
      );
      const { port } = new URL(url);
      const ownGosumdb =
        own === undefined
          ? undefined
          : gosumdbValue(
              own.key.verifierKey,
              own.log.name,
              config.sumdbServer.url ||
                withScheme(defaultClientUrl(config.listen.host, Number(port), hostname()), url),
            );
      const listening = { ...config, listen: { ...config.listen, port: Number(port) } };
      const forClients = clientConfig(listening, {
        hostName: hostname(),
        ...(ownGosumdb ? { ownGosumdb } : {}),
        https: security.tls !== undefined,
        credentials: security.gate.authenticating,
      });
      clientSettings = forClients;
      clientConfigJson = `${JSON.stringify(forClients, null, 2)}\n`;
      anonymousClientConfigJson = `${JSON.stringify({ ...forClients, private: '' }, null, 2)}\n`;
      if (own !== undefined && ownGosumdb !== undefined) {
        const gosumdb = ownGosumdb;
        logger.info(
          { gosumdb, treeSize: own.log.tree.n },
          `checksum database ${own.log.name} served at /sumdb/${own.log.name}/: clients set GOSUMDB="${gosumdb}"`,
        );
      }
      return { url, metricsUrl };
    },
    settle: async () => {
      await service.settle();
      await storeTimes.settle(); // the stored zips' records, gathered behind their commits
    },
    reload: () => security.reload(),
    async stop() {
      await server.stop();
      feeds.catalog.close();
      runtimeBlocks.stop();
      security.close();
      await metrics?.stop();
      await service.settle();
      await storeTimes.settle();
      await Promise.all(sumdbClients.map((c) => c.settle())); // lookups proxied, cached behind
      service.close();
      direct.close();
      await own?.log.close();
      await coordinator.close(); // after the last append and store: their locks released
      await client.close();
      await storage.close();
      await spool.close();
      await tracing?.shutdown(); // exports the spans still buffered
      if (tracing !== undefined) setLogMixin(logger, undefined);
    },
  };
}

/** A URL derived from the listen address, with the scheme the server listens with. */
function withScheme(derived: string, listening: string): string {
  return listening.startsWith('https:') ? derived.replace(/^http:/, 'https:') : derived;
}

/** The outbound proxies for the start-up log: host and port only, never credentials. */
function describeProxy(proxy: OutboundProxySettings): Record<string, string> {
  const out: Record<string, string> = {};
  if (proxy.httpsProxy) out.httpsProxy = `${proxy.httpsProxy.protocol}//${proxy.httpsProxy.host}`;
  if (proxy.httpProxy) out.httpProxy = `${proxy.httpProxy.protocol}//${proxy.httpProxy.host}`;
  if ((out.httpsProxy || out.httpProxy) && proxy.noProxy) out.noProxy = proxy.noProxy;
  return out;
}
