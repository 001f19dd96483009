import { z } from 'zod';
import {
  boolean,
  connectionTimeout,
  denyList,
  duration,
  hostPort,
  perUpstream,
  positiveInt,
  resilienceFields,
  size,
  sizeOrZero,
  stringList,
} from './schema-values.js';

// Go's own limits (x/mod/zip MaxZipFile, MaxGoMod): modgate may lower them, never raise them.
import { MAX_GO_MOD as GO_MAX_MOD_BYTES, MAX_ZIP_FILE as GO_MAX_ZIP_BYTES } from '../zip/limits.js';

export { resilienceFields, type ResilienceSettingsInput } from './schema-values.js';

/**
 * THE configuration schema: every key, its default and its validation, as written in YAML
 * (snake_case). Environment variables and flags are derived from the key paths
 * (`cache.list_ttl` ↔ `MODGATE_CACHE_LIST_TTL`). Adding a setting means adding it here (and
 * to `toConfig` and the example file).
 */
export const configSchema = z
  .object({
    listen: hostPort.prefault('127.0.0.1:3000'),
    data_dir: z.string().min(1).prefault('./modgate-data'),
    storage: z
      .object({
        backend: z.enum(['disk', 'memory', 's3']).prefault('disk'),
        s3: z
          .object({
            bucket: z.string().trim().prefault(''),
            prefix: z
              .string()
              .trim()
              .prefault('')
              .refine((p) => p === '' || /^[A-Za-z0-9!\-_.*'()/]+$/.test(p), {
                message:
                  "may hold only letters, digits and !-_.*'()/ (S3's safe key characters), e.g. goproxy/",
              }),
            region: z.string().trim().prefault(''),
            endpoint: z
              .string()
              .trim()
              .prefault('')
              .refine((u) => u === '' || /^https?:\/\/[^/?#\s]+\/?$/.test(u), {
                message:
                  "must be '' (AWS) or an http:// or https:// URL with no path, e.g. http://127.0.0.1:7301",
              }),
            force_path_style: boolean.prefault(false),
            access_key_id: z.string().trim().prefault(''),
            secret_access_key: z.string().trim().prefault(''),
            part_size: size(5 * 1024 ** 3).prefault('16MiB'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    coordination: z
      .object({
        // The URL is checked in validate-semantics (its messages must never show a password).
        redis_url: z.string().trim().prefault(''),
        lock_ttl: duration.prefault('30s'),
        wait_timeout: duration.prefault('60s'),
        key_prefix: z
          .string()
          .prefault('modgate:')
          .refine((p) => !/[\s*?[\]]/.test(p), {
            message: 'may not hold white space or the glob characters *?[]',
          }),
      })
      .strict()
      .prefault({}),
    upstream: z.string().prefault('https://proxy.golang.org'),
    private: z.string().prefault(''),
    cache: z
      .object({
        list_ttl: duration.prefault('1m'),
        not_found_ttl: duration.prefault('1m'),
        prefetch_zips: boolean.prefault(true),
      })
      .strict()
      .prefault({}),
    upstream_http: z
      .object({
        connect_timeout: duration.prefault('10s'),
        metadata_timeout: duration.prefault('30s'),
        zip_timeout: duration.prefault('10m'),
        max_connections: positiveInt.prefault(64),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        max_zip_size: size(GO_MAX_ZIP_BYTES).prefault('500MiB'),
        max_mod_size: size(GO_MAX_MOD_BYTES).prefault('16MiB'),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).prefault('info'),
        format: z.enum(['auto', 'json', 'pretty']).prefault('auto'),
        access_log: boolean.prefault(true),
      })
      .strict()
      .prefault({}),
    direct: z
      .object({
        insecure: z.string().prefault(''),
        vcs_policy: z.string().prefault(''),
        rewrites: stringList.prefault([]),
        credentials: stringList.prefault([]),
        netrc: z.string().prefault(''),
        ssh_keys: stringList.prefault([]),
        ssh_known_hosts: z.string().prefault(''),
        ssh_host_key_checking: z.enum(['strict', 'accept-new']).prefault('strict'),
        git_cache_max_size: sizeOrZero.prefault('10GiB'),
        git_cache_max_age: duration.prefault('720h'),
      })
      .strict()
      .prefault({}),
    sumdb: z
      .object({
        databases: stringList.prefault('sum.golang.org'),
        proxy: boolean.prefault(true),
        verify: boolean.prefault(true),
        no_verify: z.string().prefault(''),
        on_unreachable: z.enum(['refuse', 'allow']).prefault('refuse'),
        offline: boolean.prefault(false),
        server: z
          .object({
            enabled: boolean.prefault(false),
            name: z.string().prefault('modgate'),
            url: z.string().prefault(''),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        enabled: boolean.prefault(true),
        listen: z
          .string()
          .prefault('')
          .transform((value, ctx) => {
            if (value.trim() === '') return null;
            const parsed = hostPort.safeParse(value);
            if (!parsed.success) {
              ctx.addIssue({
                code: 'custom',
                message: `expected '' (serve /metrics on the main listener) or HOST:PORT such as "127.0.0.1:9300", got ${JSON.stringify(value)}`,
              });
              return z.NEVER;
            }
            return parsed.data;
          }),
      })
      .strict()
      .prefault({}),
    tracing: z
      .object({
        otlp_endpoint: z
          .string()
          .prefault('')
          .refine((u) => u.trim() === '' || /^https?:\/\/[^/?#\s]+(\/[^\s]*)?$/.test(u.trim()), {
            message:
              "must be '' (tracing off) or an http:// or https:// OTLP/HTTP traces URL, e.g. http://127.0.0.1:4318/v1/traces",
          }),
        service_name: z.string().trim().min(1).prefault('modgate'),
        sample_ratio: z.coerce.number().min(0).max(1).prefault(1),
      })
      .strict()
      .prefault({}),
    resilience: z
      .object({ ...resilienceFields, per_upstream: perUpstream.prefault([]) })
      .strict()
      .prefault({}),
    rate_limit: z
      .object({
        requests_per_second: z.coerce.number().min(0).prefault(0),
        burst: positiveInt.prefault(200),
      })
      .strict()
      .prefault({}),
    // Client authentication, access rules, audit, TLS (issue 14; docs/security.md).
    auth: z
      .object({ users_file: z.string().trim().prefault('') })
      .strict()
      .prefault({}),
    access: z
      .object({
        rules: stringList.prefault([]),
        default_read: z.string().trim().prefault('anonymous'),
        default_publish: z.string().trim().prefault('none'),
        default_admin: z.string().trim().prefault('none'),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({ enabled: boolean.prefault(false), file: z.string().trim().prefault('') })
      .strict()
      .prefault({}),
    tls: z
      .object({ cert: z.string().trim().prefault(''), key: z.string().trim().prefault('') })
      .strict()
      .prefault({}),
    trusted_proxies: stringList.prefault([]),
    // Block lists, the validator hook and hosted modules (issue 14 items 3 and 6; see
    // docs/block-lists.md and docs/hosted-modules.md).
    deny: denyList.prefault([]),
    // Blocks added at run time through the admin API (issue 15; docs/block-lists.md).
    blocks: z
      .object({ poll_interval: duration.prefault('10s') })
      .strict()
      .prefault({}),
    validator: z
      .object({
        url: z
          .string()
          .trim()
          .prefault('')
          .refine((u) => u === '' || /^https?:\/\/[^/?#\s]+(\/[^\s]*)?$/.test(u), {
            message: "must be '' (no validator) or an http:// or https:// URL",
          }),
        timeout: connectionTimeout.prefault('10s'),
        fail_open: boolean.prefault(false),
        private_service: boolean.prefault(false),
      })
      .strict()
      .prefault({}),
    publish: z
      .object({ enabled: boolean.prefault(false), modules: z.string().prefault('') })
      .strict()
      .prefault({}),
    server: z
      .object({
        shutdown_grace: duration.prefault('30s'),
        header_timeout: connectionTimeout.prefault('10s'),
        request_timeout: connectionTimeout.prefault('30s'),
        idle_timeout: connectionTimeout.prefault('15s'),
        send_timeout: connectionTimeout.prefault('60s'),
        max_connections: positiveInt.prefault(4096),
        max_connections_per_client: z.coerce.number().int().min(0).prefault(256),
        fast_path: boolean.prefault(true),
        public_url: z
          .string()
          .prefault('')
          .refine((u) => u === '' || /^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(u), {
            message:
              'must be an http:// or https:// URL with no query, e.g. https://modgate.corp.example',
          }),
      })
      .strict()
      .superRefine((s, ctx) => {
        // node:http refuses a header deadline past the whole request's.
        if (s.header_timeout > s.request_timeout) {
          ctx.addIssue({
            code: 'custom',
            path: ['header_timeout'],
            message: `may not exceed server.request_timeout (${s.request_timeout}ms), got ${s.header_timeout}ms`,
          });
        }
      })
      .prefault({}),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
