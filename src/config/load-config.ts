import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CONFIG_KEYS, envNameFor } from './config-keys.js';
import { configSchema, resilienceFields, type ParsedConfig } from './schema.js';
import { validateSemantics } from './validate-semantics.js';
import type { Config, UpstreamResilience } from './config.js';

/** A configuration problem, with a message meant for the person starting modgate. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** A YAML file. */
  file?: string;
  /** Environment (MODGATE_* variables are read); defaults to none. */
  env?: NodeJS.ProcessEnv;
  /** Command-line values by key path (`data_dir`, `cache.list_ttl`, ...). */
  flags?: Record<string, unknown>;
  /** Base for relative paths (data_dir); defaults to process.cwd(). */
  cwd?: string;
}

type Tree = Record<string, unknown>;

/**
 * Loads the configuration: defaults < YAML file < MODGATE_* environment < flags, validated
 * once against the one schema. Every error names the key and where its value came from.
 * The result is deeply frozen.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const raw: Tree = {};
  const sources = new Map<string, string>();

  if (options.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`config: cannot read ${options.file}: ${(err as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new ConfigError(`config: ${options.file} is not valid YAML: ${(err as Error).message}`);
    }
    if (doc !== null && doc !== undefined) {
      if (typeof doc !== 'object' || Array.isArray(doc)) {
        throw new ConfigError(`config: ${options.file} must hold a mapping of settings`);
      }
      mergeFile(raw, doc as Tree, [], sources, options.file);
    }
  }

  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (!name.startsWith('MODGATE_') || value === undefined) continue;
    const key = CONFIG_KEYS.find((k) => envNameFor(k) === name);
    if (key === undefined) {
      throw new ConfigError(
        `config: unknown environment variable ${name} (known: ${CONFIG_KEYS.map(envNameFor).join(', ')})`,
      );
    }
    setPath(raw, key, value);
    sources.set(key, `environment variable ${name}`);
  }

  for (const [key, value] of Object.entries(options.flags ?? {})) {
    if (value === undefined) continue;
    if (!CONFIG_KEYS.includes(key)) throw new ConfigError(`config: unknown setting "${key}"`);
    setPath(raw, key, value);
    sources.set(key, 'the command line');
  }

  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues, sources));
  const config = toConfig(result.data, options.cwd ?? process.cwd());
  for (const problem of validateSemantics(config)) {
    throw new ConfigError(
      `config: ${problem.key}${sourceOf(problem.key, sources)}: ${problem.message}`,
    );
  }
  return deepFreeze(config);
}

function mergeFile(
  target: Tree,
  doc: Tree,
  prefix: string[],
  sources: Map<string, string>,
  file: string,
): void {
  for (const [key, value] of Object.entries(doc)) {
    const path = [...prefix, key].join('.');
    const isLeaf = CONFIG_KEYS.includes(path);
    const isGroup = CONFIG_KEYS.some((k) => k.startsWith(path + '.'));
    if (!isLeaf && !isGroup) throw new ConfigError(`config: ${file}: unknown setting "${path}"`);
    if (isGroup) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new ConfigError(`config: ${path} (from ${file}): expected a mapping of settings`);
      }
      mergeFile(target, value as Tree, [...prefix, key], sources, file);
      continue;
    }
    setPath(target, path, value);
    sources.set(path, file);
  }
}

function setPath(target: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Tree;
  }
  node[parts[parts.length - 1] ?? ''] = value;
}

function sourceOf(key: string, sources: Map<string, string>): string {
  const source = sources.get(key);
  return source === undefined ? ' (default)' : ` (from ${source})`;
}

function describeIssues(issues: z.core.$ZodIssue[], sources: Map<string, string>): string {
  return issues
    .map((issue) => {
      const key = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') {
        return `config: ${key === '' ? '' : key + ': '}unknown setting(s) ${issue.keys.join(', ')}`;
      }
      return `config: ${key}${sourceOf(key, sources)}: ${issue.message}`;
    })
    .join('\n');
}

function toConfig(p: ParsedConfig, cwd: string): Config {
  return {
    listen: p.listen,
    dataDir: isAbsolute(p.data_dir) ? p.data_dir : resolve(cwd, p.data_dir),
    storage: {
      backend: p.storage.backend,
      s3: {
        bucket: p.storage.s3.bucket,
        // A prefix is a folder: 'goproxy' and 'goproxy/' both mean keys under goproxy/.
        prefix:
          p.storage.s3.prefix === ''
            ? ''
            : p.storage.s3.prefix.replace(/\/*$/, '/').replace(/^\/+/, ''),
        region: p.storage.s3.region,
        endpoint: p.storage.s3.endpoint.replace(/\/+$/, ''),
        forcePathStyle: p.storage.s3.force_path_style,
        accessKeyId: p.storage.s3.access_key_id,
        secretAccessKey: p.storage.s3.secret_access_key,
        partSizeBytes: p.storage.s3.part_size,
      },
    },
    coordination: {
      redisUrl: p.coordination.redis_url,
      lockTtlMs: p.coordination.lock_ttl,
      waitTimeoutMs: p.coordination.wait_timeout,
      keyPrefix: p.coordination.key_prefix,
    },
    upstream: p.upstream.trim(),
    private: p.private.trim(),
    cache: {
      listTtlMs: p.cache.list_ttl,
      notFoundTtlMs: p.cache.not_found_ttl,
      prefetchZips: p.cache.prefetch_zips,
    },
    upstreamHttp: {
      connectTimeoutMs: p.upstream_http.connect_timeout,
      metadataTimeoutMs: p.upstream_http.metadata_timeout,
      zipTimeoutMs: p.upstream_http.zip_timeout,
      maxConnections: p.upstream_http.max_connections,
    },
    limits: { maxZipBytes: p.limits.max_zip_size, maxModBytes: p.limits.max_mod_size },
    log: { level: p.log.level, format: p.log.format, accessLog: p.log.access_log },
    server: {
      shutdownGraceMs: p.server.shutdown_grace,
      headerTimeoutMs: p.server.header_timeout,
      requestTimeoutMs: p.server.request_timeout,
      idleTimeoutMs: p.server.idle_timeout,
      sendTimeoutMs: p.server.send_timeout,
      maxConnections: p.server.max_connections,
      maxConnectionsPerClient: p.server.max_connections_per_client,
      fastPath: p.server.fast_path,
      publicUrl: p.server.public_url.replace(/\/+$/, ''),
    },
    direct: {
      insecure: p.direct.insecure.trim(),
      vcsPolicy: p.direct.vcs_policy.trim(),
      rewrites: p.direct.rewrites.map((entry) => {
        const eq = entry.indexOf('=');
        return { pattern: entry.slice(0, eq).trim(), url: entry.slice(eq + 1).trim() };
      }),
      credentials: p.direct.credentials.map((entry) => {
        const eq = entry.indexOf('=');
        const host = entry.slice(0, eq).trim();
        const secret = entry.slice(eq + 1).trim();
        const colon = secret.indexOf(':');
        return colon > 0
          ? { host, username: secret.slice(0, colon), token: secret.slice(colon + 1) }
          : { host, token: secret };
      }),
      netrc: p.direct.netrc.trim() === '' ? '' : resolve(cwd, p.direct.netrc.trim()),
      sshKeys: p.direct.ssh_keys.map((entry) => {
        const eq = entry.indexOf('=');
        const path = eq < 0 ? '' : entry.slice(eq + 1).trim();
        return { host: (eq < 0 ? entry : entry.slice(0, eq)).trim(), path: filePath(cwd, path) };
      }),
      sshKnownHosts: filePath(cwd, p.direct.ssh_known_hosts.trim()),
      sshHostKeyChecking: p.direct.ssh_host_key_checking,
      gitCacheMaxBytes: p.direct.git_cache_max_size,
      gitCacheMaxAgeMs: p.direct.git_cache_max_age,
    },
    sumdb: {
      databases: p.sumdb.databases.filter((d) => d !== 'off'),
      proxy: p.sumdb.proxy,
      verify: p.sumdb.verify,
      noVerify: p.sumdb.no_verify.trim(),
      onUnreachable: p.sumdb.on_unreachable,
      offline: p.sumdb.offline,
    },
    sumdbServer: {
      enabled: p.sumdb.server.enabled,
      name: p.sumdb.server.name.trim(),
      url: p.sumdb.server.url.trim().replace(/\/+$/, ''),
    },
    metrics: { enabled: p.metrics.enabled, listen: p.metrics.listen },
    tracing: {
      otlpEndpoint: p.tracing.otlp_endpoint.trim(),
      serviceName: p.tracing.service_name,
      sampleRatio: p.tracing.sample_ratio,
    },
    resilience: {
      defaults: toResilience(p.resilience),
      perUpstream: p.resilience.per_upstream.map(({ upstream, overrides }) => ({
        upstream,
        settings: toResilience(
          resilienceSchema.parse({ ...pickResilience(p.resilience), ...overrides }),
        ),
      })),
    },
    deny: p.deny.map((r) => ({
      module: r.module.trim(),
      versions: r.versions.trim(),
      reason: r.reason.trim(),
    })),
    blocks: { pollIntervalMs: p.blocks.poll_interval },
    validator: {
      url: p.validator.url,
      timeoutMs: p.validator.timeout,
      failOpen: p.validator.fail_open,
      privateService: p.validator.private_service,
    },
    publish: { enabled: p.publish.enabled, modules: p.publish.modules.trim() },
    rateLimit: {
      requestsPerSecond: p.rate_limit.requests_per_second,
      burst: p.rate_limit.burst,
    },
    auth: { usersFile: filePath(cwd, p.auth.users_file) },
    access: {
      rules: p.access.rules,
      defaultRead: p.access.default_read,
      defaultPublish: p.access.default_publish,
      defaultAdmin: p.access.default_admin,
    },
    audit: { enabled: p.audit.enabled, file: filePath(cwd, p.audit.file) },
    tls: { cert: filePath(cwd, p.tls.cert), key: filePath(cwd, p.tls.key) },
    trustedProxies: p.trusted_proxies,
  };
}

const resilienceSchema = z.object(resilienceFields).strict();
type ResilienceParsed = z.output<typeof resilienceSchema>;

/**
 * The parsed defaults as schema input, so that an entry's overrides are merged over them and
 * parsed once more (durations re-enter as text with their unit and parse to the same value).
 */
function pickResilience(r: ResilienceParsed): Record<string, string> {
  return {
    retries: String(r.retries),
    retry_initial_delay: `${r.retry_initial_delay}ms`,
    retry_max_delay: `${r.retry_max_delay}ms`,
    breaker_failures: String(r.breaker_failures),
    breaker_cooldown: `${r.breaker_cooldown}ms`,
    max_concurrent_fetches: String(r.max_concurrent_fetches),
    max_queued_fetches: String(r.max_queued_fetches),
  };
}

function toResilience(r: ResilienceParsed): UpstreamResilience {
  return {
    retries: r.retries,
    retryInitialDelayMs: r.retry_initial_delay,
    retryMaxDelayMs: r.retry_max_delay,
    breakerFailures: r.breaker_failures,
    breakerCooldownMs: r.breaker_cooldown,
    maxConcurrentFetches: r.max_concurrent_fetches,
    maxQueuedFetches: r.max_queued_fetches,
  };
}

/** A file setting: `''` stays `''`, `~/` is the home directory, relative is from `cwd`. */
function filePath(cwd: string, path: string): string {
  if (path === '') return '';
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return resolve(cwd, path);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
