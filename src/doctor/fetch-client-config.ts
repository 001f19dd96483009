import { doctorMessages, type DoctorTranslate } from './doctor-messages.js';
import { z } from 'zod';
import { parseGoproxyList } from '../protocol/goproxy-list.js';
import { redactUrl } from '../protocol/redact-url.js';
import type { ClientConfig } from './doctor-context.js';

/** The path a modgate serve answers its client settings on. */
export const CLIENT_CONFIG_PATH = '/.well-known/modgate/client-config';

const clientConfigSchema = z.object({
  url: z.string().url(),
  goproxy: z.string().min(1),
  private: z.string(),
  gosumdb: z.string(),
  credentials: z.boolean(),
});

export type ClientConfigResult =
  { config: ClientConfig; problem?: undefined } | { config?: undefined; problem: string };

/**
 * GETs `<server>/.well-known/modgate/client-config` within `timeoutMs` and validates the JSON
 * (unknown fields are ignored, so newer servers stay readable). Never throws: an unreachable
 * server, a non-200 answer or invalid JSON is a problem the server check reports. URLs in
 * problems are redacted.
 */
export async function fetchClientConfig(
  server: string,
  timeoutMs: number,
  signal?: AbortSignal,
  /** The language of the problem texts. */
  t: DoctorTranslate = doctorMessages('en'),
): Promise<ClientConfigResult> {
  const shown = redactUrl(server);
  let url: URL;
  try {
    url = new URL(server.replace(/\/+$/, '') + CLIENT_CONFIG_PATH);
  } catch {
    return { problem: t('server.fetch.not-url', { url: shown }) };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: t('server.fetch.not-http', { url: shown }) };
  }
  // A plain timer and one controller (an AbortSignal.timeout referred to only through
  // AbortSignal.any was seen not to fire); the caller's signal aborts it too.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let body: unknown;
  try {
    const response = await fetch(url, {
      signal: controller.signal,
      headers: { accept: 'application/json' },
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return {
        problem: t('server.fetch.status', { url: redactUrl(url.href), status: response.status }),
      };
    }
    body = await response.json();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why =
      e.name === 'TimeoutError' || e.name === 'AbortError'
        ? t('server.fetch.timeout', { ms: timeoutMs })
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    return {
      problem: t('server.fetch.unreadable', { url: redactUrl(url.href), error: redactUrl(why) }),
    };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  const parsed = clientConfigSchema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      problem: t('server.fetch.invalid', {
        url: redactUrl(url.href),
        error: `${first?.path.join('.') ?? ''} ${first?.message ?? ''}`.trim(),
      }),
    };
  }
  try {
    parseGoproxyList(parsed.data.goproxy);
  } catch (err) {
    return { problem: `${redactUrl(url.href)}: goproxy: ${(err as Error).message}` };
  }
  return { config: parsed.data };
}
