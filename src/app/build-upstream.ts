import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { ModgateError } from '../errors/index.js';
import { parseGoproxyList } from '../protocol/goproxy-list.js';
import type { Policy } from '../policy/index.js';
import { ChainUpstream, OffUpstream } from '../upstream/chain-upstream.js';
import type { HttpClient } from '../upstream/http-client.js';
import { ProxyUpstream } from '../upstream/proxy-upstream.js';
import type { Upstream } from '../upstream/upstream.js';
import { DirectUpstream, directRepoResolver } from '../upstream/direct/index.js';
import {
  ChainedCredentials,
  RepoResolver,
  credentialsFromTokens,
  readNetrcFile,
  type CredentialSource,
} from '../upstream/direct/discovery/index.js';
import {
  GitRepoCache,
  type GitRepoCacheStats,
  SshIdentities,
  checkSshFiles,
  gitSchemesForRewrites,
  type GitCommandEvent,
} from '../upstream/direct/git/index.js';
import { traceGitCommand } from '../metrics/tracing/index.js';
import { TracedUpstream } from './traced-upstream.js';
import type { UpstreamResilience } from './upstream-resilience.js';

/** The upstream chain from the GOPROXY-syntax `upstream` setting. */
export function buildUpstream(
  config: Config,
  client: HttpClient,
  direct: Upstream,
  resilience?: UpstreamResilience,
): Upstream {
  const entries = parseGoproxyList(config.upstream).map((entry) => {
    switch (entry.kind) {
      case 'off':
        return { upstream: new OffUpstream(), fallbackOnAnyError: entry.fallbackOnAnyError };
      case 'direct':
        return { upstream: direct, fallbackOnAnyError: entry.fallbackOnAnyError };
      case 'proxy': {
        const url = entry.url ?? '';
        if (url.startsWith('file:')) {
          throw new ModgateError(
            'invalid',
            'upstream: file:// upstreams are not supported; use an http(s) URL',
          );
        }
        const upstream = new ProxyUpstream(url, client, proxyOptions(config));
        const resilient = resilience?.proxy(url, upstream) ?? upstream;
        return { upstream: resilient, fallbackOnAnyError: entry.fallbackOnAnyError };
      }
    }
  });
  if (config.tracing.otlpEndpoint === '') return new ChainUpstream(entries);
  return new ChainUpstream(
    entries.map((e) => ({ ...e, upstream: new TracedUpstream(e.upstream) })),
  );
}

/**
 * Direct fetching from version control: repository discovery (rewrites, the static hosting
 * table, ?go-get=1) → a shared cache of bare git repositories → the module layer. Used for
 * `direct` upstream entries and for every private module path.
 */
export async function buildDirect(
  config: Config,
  client: HttpClient,
  spoolDir: string,
  policy: Policy,
  logger: Logger,
  gitObserver?: (event: GitCommandEvent) => void,
): Promise<{ upstream: Upstream; close: () => void; gitStats: () => GitRepoCacheStats }> {
  const tokens = config.direct.credentials.map((c) => ({ ...c }));
  const sources: CredentialSource[] = [credentialsFromTokens(tokens)];
  if (config.direct.netrc !== '') sources.push(await readNetrcFile(config.direct.netrc));
  const credentials = new ChainedCredentials(sources);
  // ssh keys: a bad file is a start-up error naming it, not an obscure failure per fetch.
  const ssh = {
    keys: config.direct.sshKeys,
    knownHosts: config.direct.sshKnownHosts,
    hostKeyChecking: config.direct.sshHostKeyChecking,
  };
  await checkSshFiles(ssh);
  const resolver = new RepoResolver({
    http: client,
    rewrites: config.direct.rewrites.map((r) => ({ ...r })),
    policy,
    credentials,
  });
  const base =
    config.storage.backend === 'disk' ? config.dataDir : join(tmpdir(), `modgate-${process.pid}`);
  const git = new GitRepoCache({
    dir: join(base, '.git-cache'),
    credentialLookup: (host) => credentials.forHost(host),
    ...(ssh.keys.length > 0 ? { ssh: new SshIdentities(ssh) } : {}),
    allowedSchemes: gitSchemesForRewrites(config.direct.rewrites.map((r) => r.url)),
    // A span per git command while tracing is on; its metrics while metrics are.
    observer: (event) => {
      traceGitCommand(event);
      gitObserver?.(event);
    },
    maxBytes: config.direct.gitCacheMaxBytes,
    maxAgeMs: config.direct.gitCacheMaxAgeMs,
    log: logger,
  });
  const upstream = new DirectUpstream(
    directRepoResolver({
      resolver,
      git,
      // A `mod` go-import names a GOPROXY for its modules (GOVCS never restricts it).
      proxy: (url) => new ProxyUpstream(url, client, proxyOptions(config)),
    }),
    {
      description: 'direct',
      tmpDir: spoolDir,
      maxZipBytes: config.limits.maxZipBytes,
      maxModBytes: config.limits.maxModBytes,
    },
  );
  // gitStats: the git cache's bytes, repositories, evictions and git commands (for /metrics).
  return { upstream, close: () => git.close(), gitStats: () => git.stats() };
}

/** The time and size limits of every GOPROXY upstream (chain entries and `mod` go-imports). */
function proxyOptions(config: Config) {
  return {
    metadataTimeoutMs: config.upstreamHttp.metadataTimeoutMs,
    zipTimeoutMs: config.upstreamHttp.zipTimeoutMs,
    maxZipBytes: config.limits.maxZipBytes,
    maxModBytes: config.limits.maxModBytes,
  };
}
