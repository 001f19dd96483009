// The value types of the configuration schema (durations, sizes, addresses, lists, the
// resilience settings, block-list rules): each parses the YAML / environment / flag form and
// says what it expected. schema.ts assembles them into the one schema of every key.
import { z } from 'zod';
import { redactUrl } from '../protocol/redact-url.js';
import { parseDuration, parseSize } from './units.js';

export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  // A bare number means seconds, whether it came from YAML (a number) or a flag/env (text).
  const ms =
    typeof value === 'number' || /^\d+(\.\d+)?$/.test(value.trim())
      ? Number(value) * 1000
      : parseDuration(value);
  if (ms === null || !Number.isFinite(ms) || ms < 0) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration like "500ms", "30s", "5m" or "1h", got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return ms;
});

export const size = (max: number) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const bytes = typeof value === 'number' ? value : parseSize(value);
    if (bytes === null || !Number.isSafeInteger(bytes) || bytes <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a size like "16MiB", "500MiB" or a byte count, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    if (bytes > max) {
      ctx.addIssue({ code: 'custom', message: `may not exceed Go's own limit of ${max} bytes` });
      return z.NEVER;
    }
    return bytes;
  });

export const hostPort = z.string().transform((value, ctx) => {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    ctx.addIssue({
      code: 'custom',
      message: `expected HOST:PORT such as "127.0.0.1:3000" or "[::1]:3000", got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return { host: m[1] ?? m[2] ?? '', port };
});

/** true/false, from YAML booleans or the text of an env var / flag. */
export const boolean = z.union([z.boolean(), z.string()]).transform((v, ctx) => {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  ctx.addIssue({ code: 'custom', message: `expected true or false, got ${JSON.stringify(v)}` });
  return z.NEVER;
});

/** A list: a YAML sequence, or one string with `;` between entries (environment, flags). */
export const stringList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : v.split(';'))
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  );

export const positiveInt = z.coerce.number().int().positive();

/** A connection deadline: whole milliseconds, more than 0, at most a day (timers' range). */
export const connectionTimeout = duration
  .transform((ms) => Math.round(ms))
  .pipe(
    z
      .number()
      .min(1, { error: 'must be more than 0' })
      .max(86_400_000, { error: 'may not exceed 24h' }),
  );

/** A whole number of at least 0 (0 usually meaning "none" or "no bound"). */
const count = z.coerce.number().int().min(0);

/** A size like `size()`, or 0 for "no bound". */
export const sizeOrZero = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const bytes = typeof value === 'number' ? value : parseSize(value);
  if (bytes === null || !Number.isSafeInteger(bytes) || bytes < 0) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a size like "10GiB", "500MiB", a byte count, or 0 for no bound, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return bytes;
});

/**
 * The resilience settings of one upstream (retries, circuit breaker, bulkhead), with their
 * defaults. `resilience.per_upstream` overrides them for one entry of `upstream`.
 */
export const resilienceFields = {
  retries: count.max(10).prefault(2),
  retry_initial_delay: duration.prefault('100ms'),
  retry_max_delay: duration.prefault('2s'),
  breaker_failures: count.prefault(5),
  breaker_cooldown: duration.prefault('30s'),
  max_concurrent_fetches: count.prefault(64),
  max_queued_fetches: count.prefault(1024),
};
const resilienceSettings = z.object(resilienceFields).strict();
export type ResilienceSettingsInput = z.input<typeof resilienceSettings>;

/**
 * `resilience.per_upstream` entries: `UPSTREAM key=value …` (UPSTREAM is an entry of
 * `upstream` as written, or its URL without user information, or `direct`), e.g.
 * `https://goproxy.corp.example retries=0 breaker_failures=3`. Each key is one of
 * `resilienceFields`; a key not given takes the value of `resilience.<key>`.
 */
export const perUpstream = stringList.transform((entries, ctx) => {
  const out: { upstream: string; overrides: Record<string, string> }[] = [];
  for (const entry of entries) {
    const [upstream = '', ...pairs] = entry.split(/\s+/);
    const overrides: Record<string, string> = {};
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      if (eq <= 0 || !(key in resilienceFields)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${pair}" in the entry for ${redactUrl(upstream)}: expected KEY=VALUE with KEY one of ${Object.keys(resilienceFields).join(', ')}`,
        });
        return z.NEVER;
      }
      overrides[key] = pair.slice(eq + 1);
    }
    const checked = resilienceSettings.partial().safeParse(overrides);
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        ctx.addIssue({
          code: 'custom',
          message: `the entry for ${redactUrl(upstream)}: ${issue.path.join('.')}: ${issue.message}`,
        });
      }
      return z.NEVER;
    }
    out.push({ upstream, overrides });
  }
  return out;
});

/**
 * `deny`: block-list rules, a YAML sequence of `{module, versions, reason}` mappings, or the
 * same as JSON text (environment, flags). Their patterns and ranges are checked when the
 * policy is compiled (validate-semantics names the bad rule).
 */
const denyRule = z
  .object({
    module: z.string(),
    versions: z.union([z.string(), z.number()]).transform(String).prefault(''),
    reason: z.string().prefault(''),
  })
  .strict();
export const denyList = z
  .union([z.string(), z.array(z.unknown())])
  .transform((v, ctx) => {
    if (Array.isArray(v)) return v;
    if (v.trim() === '') return [];
    try {
      const parsed: unknown = JSON.parse(v);
      if (Array.isArray(parsed)) return parsed as unknown[];
    } catch {
      // reported below
    }
    ctx.addIssue({
      code: 'custom',
      message:
        'expected a list of {module, versions, reason} (as JSON text in an environment variable or flag)',
    });
    return z.NEVER;
  })
  .pipe(z.array(denyRule));
