import type { Config } from '../config/index.js';
import { formatDuration, formatSize } from '../config/index.js';
import { redactUrl } from '../protocol/redact-url.js';

/** The configuration as YAML keys and units a person would write, with secrets redacted. */
export function configForDisplay(c: Config): Record<string, unknown> {
  const host = c.listen.host.includes(':') ? `[${c.listen.host}]` : c.listen.host;
  return {
    listen: `${host}:${c.listen.port}`,
    data_dir: c.dataDir,
    storage: { backend: c.storage.backend },
    upstream: redactUrl(c.upstream),
    private: c.private,
    cache: {
      list_ttl: formatDuration(c.cache.listTtlMs),
      not_found_ttl: formatDuration(c.cache.notFoundTtlMs),
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
    },
    sumdb: {
      databases: c.sumdb.databases.map(redactUrl),
      proxy: c.sumdb.proxy,
      verify: c.sumdb.verify,
      no_verify: c.sumdb.noVerify,
      on_unreachable: c.sumdb.onUnreachable,
      server: {
        enabled: c.sumdbServer.enabled,
        name: c.sumdbServer.name,
        url: redactUrl(c.sumdbServer.url),
      },
    },
  };
}
