import type { Config, UpstreamResilience } from '../config/index.js';
import { formatDuration, formatSize } from '../config/index.js';
import { redactUrl } from '../protocol/redact-url.js';

/** The configuration as YAML keys and units a person would write, with secrets redacted. */
export function configForDisplay(c: Config): Record<string, unknown> {
  return {
    listen: hostPort(c.listen),
    data_dir: c.dataDir,
    storage: {
      backend: c.storage.backend,
      s3: {
        bucket: c.storage.s3.bucket,
        prefix: c.storage.s3.prefix,
        region: c.storage.s3.region,
        endpoint: c.storage.s3.endpoint,
        force_path_style: c.storage.s3.forcePathStyle,
        access_key_id: c.storage.s3.accessKeyId,
        secret_access_key: c.storage.s3.secretAccessKey === '' ? '' : '[redacted]',
        part_size: formatSize(c.storage.s3.partSizeBytes),
      },
    },
    coordination: {
      redis_url: redactUrl(c.coordination.redisUrl),
      lock_ttl: formatDuration(c.coordination.lockTtlMs),
      wait_timeout: formatDuration(c.coordination.waitTimeoutMs),
      key_prefix: c.coordination.keyPrefix,
    },
    upstream: redactUrl(c.upstream),
    private: c.private,
    cache: {
      list_ttl: formatDuration(c.cache.listTtlMs),
      not_found_ttl: formatDuration(c.cache.notFoundTtlMs),
      prefetch_zips: c.cache.prefetchZips,
    },
    upstream_http: {
      connect_timeout: formatDuration(c.upstreamHttp.connectTimeoutMs),
      metadata_timeout: formatDuration(c.upstreamHttp.metadataTimeoutMs),
      zip_timeout: formatDuration(c.upstreamHttp.zipTimeoutMs),
      max_connections: c.upstreamHttp.maxConnections,
    },
    limits: {
      max_zip_size: formatSize(c.limits.maxZipBytes),
      max_mod_size: formatSize(c.limits.maxModBytes),
    },
    log: { level: c.log.level, format: c.log.format, access_log: c.log.accessLog },
    server: { shutdown_grace: formatDuration(c.server.shutdownGraceMs) },
    direct: {
      insecure: c.direct.insecure,
      vcs_policy: c.direct.vcsPolicy,
      rewrites: c.direct.rewrites.map((r) => `${r.pattern}=${redactUrl(r.url)}`),
      credentials: c.direct.credentials.map((cr) => `${cr.host}=[redacted]`),
      netrc: c.direct.netrc,
      ssh_keys: c.direct.sshKeys.map((k) => `${k.host}=${k.path}`),
      ssh_known_hosts: c.direct.sshKnownHosts,
      ssh_host_key_checking: c.direct.sshHostKeyChecking,
      git_cache_max_size:
        c.direct.gitCacheMaxBytes === 0 ? 0 : formatSize(c.direct.gitCacheMaxBytes),
      git_cache_max_age: formatDuration(c.direct.gitCacheMaxAgeMs),
    },
    sumdb: {
      databases: c.sumdb.databases.map(redactUrl),
      proxy: c.sumdb.proxy,
      verify: c.sumdb.verify,
      no_verify: c.sumdb.noVerify,
      on_unreachable: c.sumdb.onUnreachable,
      offline: c.sumdb.offline,
      server: {
        enabled: c.sumdbServer.enabled,
        name: c.sumdbServer.name,
        url: redactUrl(c.sumdbServer.url),
      },
    },
    metrics: {
      enabled: c.metrics.enabled,
      listen: c.metrics.listen === null ? '' : hostPort(c.metrics.listen),
    },
    tracing: {
      otlp_endpoint: redactUrl(c.tracing.otlpEndpoint),
      service_name: c.tracing.serviceName,
      sample_ratio: c.tracing.sampleRatio,
    },
    resilience: {
      ...resilienceForDisplay(c.resilience.defaults),
      per_upstream: c.resilience.perUpstream.map(
        (p) =>
          `${redactUrl(p.upstream)} ` +
          Object.entries(resilienceForDisplay(p.settings))
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
      ),
    },
    rate_limit: {
      requests_per_second: c.rateLimit.requestsPerSecond,
      burst: c.rateLimit.burst,
    },
    auth: { users_file: c.auth.usersFile },
    access: {
      rules: [...c.access.rules],
      default_read: c.access.defaultRead,
      default_publish: c.access.defaultPublish,
      default_admin: c.access.defaultAdmin,
    },
    audit: { enabled: c.audit.enabled, file: c.audit.file },
    tls: { cert: c.tls.cert, key: c.tls.key },
    trusted_proxies: [...c.trustedProxies],
    deny: c.deny.map((r) => ({ ...r })),
    blocks: { poll_interval: formatDuration(c.blocks.pollIntervalMs) },
    validator: {
      url: redactUrl(c.validator.url),
      timeout: formatDuration(c.validator.timeoutMs),
      fail_open: c.validator.failOpen,
      private_service: c.validator.privateService,
    },
    publish: { enabled: c.publish.enabled, modules: c.publish.modules },
  };
}

function hostPort(a: { host: string; port: number }): string {
  return `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}

function resilienceForDisplay(r: UpstreamResilience): Record<string, string | number> {
  return {
    retries: r.retries,
    retry_initial_delay: formatDuration(r.retryInitialDelayMs),
    retry_max_delay: formatDuration(r.retryMaxDelayMs),
    breaker_failures: r.breakerFailures,
    breaker_cooldown: formatDuration(r.breakerCooldownMs),
    max_concurrent_fetches: r.maxConcurrentFetches,
    max_queued_fetches: r.maxQueuedFetches,
  };
}
