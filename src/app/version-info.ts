import type { Config } from '../config/index.js';
import { parseGoproxyList } from '../protocol/goproxy-list.js';
import { parseGosumdb } from '../sumdb/gosumdb-config.js';
import { MODGATE_VERSION } from './version.js';

/**
 * The JSON of /version (issue 11 item 5): what runs and how it is set up, for an operator
 * comparing instances. No secrets: upstream URLs with their user information redacted, the
 * private patterns only counted (they name internal hosts), checksum databases by name,
 * features on or off; no credentials, keys, tokens or paths.
 */
export function versionJson(config: Config, commit: string): string {
  const upstreams = parseGoproxyList(config.upstream).map((e) =>
    e.kind === 'proxy' ? (e.redactedUrl ?? '') : e.kind,
  );
  const sumdb = config.sumdb.databases.flatMap((entry) => parseGosumdb(entry)?.name ?? []);
  const body = {
    version: MODGATE_VERSION,
    commit,
    node: process.version,
    config: {
      storage: config.storage.backend,
      upstream: upstreams,
      privatePatterns: config.private.split(',').filter((p) => p.trim() !== '').length,
      sumdb,
      features: {
        checksumVerification: config.sumdb.verify,
        sumdbProxy: config.sumdb.proxy,
        ownSumdb: config.sumdbServer.enabled,
        metrics: config.metrics.enabled,
        tracing: config.tracing.otlpEndpoint !== '',
        rateLimit: config.rateLimit.requestsPerSecond > 0,
        fastPath: config.server.fastPath,
      },
    },
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
