import { errorKind } from '../errors/index.js';
import { pathMatch } from '../module/index.js';
import { parseGoproxyList } from '../protocol/goproxy-list.js';
import { redactUrl } from '../protocol/redact-url.js';
import { parseGosumdb, sumdbNameProblem } from '../sumdb/gosumdb-config.js';
import { isValidKeyName } from '../sumdb/note/index.js';
import {
  compileDenyRules,
  compileRewrites,
  parseSshHostPattern,
  parseVcsPolicy,
  sshPathProblem,
} from '../policy/index.js';
import type { Config } from './config.js';
import type { ConfigProblem } from './config-problem.js';
import { securityProblems } from './validate-security.js';

export type { ConfigProblem } from './config-problem.js';

/**
 * Checks that go beyond one value's shape: GOPROXY and GOPRIVATE syntax. Returns the problems
 * found (empty when the configuration is usable).
 */
export function validateSemantics(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  try {
    parseGoproxyList(config.upstream);
  } catch (err) {
    if (errorKind(err) !== 'invalid') throw err;
    problems.push({
      key: 'upstream',
      message: `${(err as Error).message} (GOPROXY syntax expected)`,
    });
  }
  problems.push(...patternProblems('private', 'GOPRIVATE', config.private));
  problems.push(...patternProblems('sumdb.no_verify', 'GONOSUMDB', config.sumdb.noVerify));
  for (const { pattern, url } of config.direct.rewrites) {
    if (pattern === '' || url === '') {
      problems.push({
        key: 'direct.rewrites',
        message:
          'each entry must be PATTERN=URL, e.g. "git.corp.example/*=ssh://git@git.corp.example/*"',
      });
    }
  }
  try {
    compileRewrites(config.direct.rewrites);
    parseVcsPolicy(config.direct.vcsPolicy);
  } catch (err) {
    if (errorKind(err) !== 'invalid') throw err;
    problems.push({ key: 'direct', message: (err as Error).message });
  }
  for (const c of config.direct.credentials) {
    if (c.host === '' || c.token === '') {
      problems.push({
        key: 'direct.credentials',
        message: `an entry for "${c.host}" is not HOST=TOKEN or HOST=USER:TOKEN`,
      });
    }
  }
  problems.push(...sshProblems(config));
  for (const entry of config.sumdb.databases) {
    try {
      parseGosumdb(entry);
    } catch (err) {
      if (errorKind(err) !== 'invalid') throw err;
      problems.push({ key: 'sumdb.databases', message: (err as Error).message });
    }
  }
  problems.push(...sumdbServerProblems(config));
  problems.push(...perUpstreamProblems(config));
  problems.push(...storageProblems(config));
  problems.push(...coordinationProblems(config));
  problems.push(...securityProblems(config));
  problems.push(...hostingProblems(config));
  return problems;
}

/** `resilience.per_upstream` names entries of `upstream`, each at most once. */
function perUpstreamProblems(config: Config): ConfigProblem[] {
  let names: string[];
  try {
    names = parseGoproxyList(config.upstream).flatMap((e) =>
      e.kind === 'direct' ? ['direct'] : e.url === undefined ? [] : [e.url, withoutUserinfo(e.url)],
    );
  } catch {
    return []; // reported for `upstream` already
  }
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const { upstream } of config.resilience.perUpstream) {
    if (!names.includes(upstream)) {
      problems.push({
        key: 'resilience.per_upstream',
        message: `"${redactUrl(upstream)}" is not an entry of upstream (${[...new Set(names.filter((n) => !n.includes('@')))].join(', ') || 'none'})`,
      });
    } else if (seen.has(upstream)) {
      problems.push({
        key: 'resilience.per_upstream',
        message: `"${redactUrl(upstream)}" has two entries: give all its settings in one`,
      });
    }
    seen.add(upstream);
  }
  return problems;
}

/** A URL with its user information (credentials) removed, as a per_upstream entry may name it. */
function withoutUserinfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/**
 * ssh keys: HOST=PATH with a host ssh can be matched on and paths ssh takes literally (the
 * files themselves are checked when modgate starts: checkSshFiles).
 */
function sshProblems(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const { host, path } of config.direct.sshKeys) {
    if (parseSshHostPattern(host) === undefined || path === '') {
      problems.push({
        key: 'direct.ssh_keys',
        message: `an entry for "${host}" is not HOST=PATH with HOST one of host, host:port, [v6addr]:port, *.domain or * (e.g. "git.corp.example=/etc/modgate/id_ed25519")`,
      });
      continue;
    }
    const bad = sshPathProblem(path);
    if (bad !== undefined) {
      problems.push({ key: 'direct.ssh_keys', message: `the key for ${host} (${path}): ${bad}` });
    }
  }
  const known = config.direct.sshKnownHosts;
  const bad = known === '' ? undefined : sshPathProblem(known);
  if (bad !== undefined) {
    problems.push({ key: 'direct.ssh_known_hosts', message: `${known}: ${bad}` });
  }
  return problems;
}

/** modgate's own database: a key name that is a bare host[/path], not taken; an http(s) URL. */
function sumdbServerProblems(config: Config): ConfigProblem[] {
  const { name, url, enabled } = config.sumdbServer;
  const problems: ConfigProblem[] = [];
  const nameProblem = isValidKeyName(name) ? sumdbNameProblem(name) : 'not a valid key name';
  if (nameProblem !== undefined) {
    problems.push({
      key: 'sumdb.server.name',
      message: `${JSON.stringify(name)} cannot name a checksum database (a bare host[/path] such as "sumdb.corp.example"): ${nameProblem}`,
    });
  }
  const taken = config.sumdb.databases.some((entry) => {
    try {
      return parseGosumdb(entry)?.name === name;
    } catch {
      return false;
    }
  });
  if (enabled && taken) {
    problems.push({
      key: 'sumdb.server.name',
      message: `${JSON.stringify(name)} is already the name of a database in sumdb.databases`,
    });
  }
  if (url !== '' && !/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(url)) {
    problems.push({
      key: 'sumdb.server.url',
      message: `expected an http(s) URL without query or fragment, e.g. "https://goproxy.corp.example", got ${JSON.stringify(url)}`,
    });
  }
  return problems;
}

/** Comma-separated module path patterns (GOPRIVATE / GONOSUMDB syntax). */
function patternProblems(key: string, syntax: string, patterns: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const raw of patterns.split(',')) {
    const pattern = raw.trim().replace(/\/$/, '');
    if (pattern === '') continue;
    if (/\s/.test(pattern) || pattern.includes('://') || pathMatch(pattern, '').badPattern) {
      problems.push({
        key,
        message: `"${raw.trim()}" is not a module path pattern (${syntax} syntax: comma-separated path prefixes with globs, e.g. "git.corp.example,github.com/acme/*")`,
      });
    }
  }
  return problems;
}

/** S3 needs a bucket; static credentials come in pairs; S3 allows 5 MiB parts at least. */
function storageProblems(config: Config): ConfigProblem[] {
  const s3 = config.storage.s3;
  const problems: ConfigProblem[] = [];
  if (config.storage.backend !== 's3') return problems;
  if (s3.bucket === '') {
    problems.push({ key: 'storage.s3.bucket', message: 'storage.backend s3 needs a bucket' });
  }
  if ((s3.accessKeyId === '') !== (s3.secretAccessKey === '')) {
    problems.push({
      key: 'storage.s3.access_key_id',
      message:
        "give both access_key_id and secret_access_key, or neither (the SDK's default credential chain)",
    });
  }
  if (s3.partSizeBytes < 5 * 1024 * 1024) {
    problems.push({ key: 'storage.s3.part_size', message: 'S3 parts are at least 5MiB' });
  }
  return problems;
}

/**
 * A Redis URL (`redis://` or `rediss://`, host, optional port and database number), shown
 * redacted in messages; a lock lives long enough to be renewed (every third of its TTL) and a
 * wait is bounded but not shorter than a second.
 */
function coordinationProblems(config: Config): ConfigProblem[] {
  const c = config.coordination;
  const problems: ConfigProblem[] = [];
  if (c.redisUrl !== '') {
    let url: URL | undefined;
    try {
      url = new URL(c.redisUrl);
    } catch {
      url = undefined;
    }
    if (
      url === undefined ||
      (url.protocol !== 'redis:' && url.protocol !== 'rediss:') ||
      url.hostname === '' ||
      !/^\/?(\d+)?$/.test(url.pathname) ||
      url.search !== '' ||
      url.hash !== ''
    ) {
      problems.push({
        key: 'coordination.redis_url',
        message: `expected '' (no Redis) or redis://[USER:PASSWORD@]HOST[:PORT][/DB] (rediss:// for TLS), got ${JSON.stringify(redactUrl(c.redisUrl))}`,
      });
    }
  }
  if (c.lockTtlMs < 1000) {
    problems.push({ key: 'coordination.lock_ttl', message: 'must be at least 1s' });
  }
  if (c.waitTimeoutMs < 1000) {
    problems.push({ key: 'coordination.wait_timeout', message: 'must be at least 1s' });
  }
  return problems;
}

/**
 * Block lists and hosted modules (issue 14): each `deny` rule's pattern and range (the
 * message names the rule), `publish.modules` syntax, and publishing needing hosted paths.
 */
function hostingProblems(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  try {
    compileDenyRules(config.deny);
  } catch (err) {
    if (errorKind(err) !== 'invalid') throw err;
    problems.push({ key: 'deny', message: (err as Error).message });
  }
  if (config.blocks.pollIntervalMs < 1000) {
    problems.push({ key: 'blocks.poll_interval', message: 'must be at least 1s' });
  }
  problems.push(...patternProblems('publish.modules', 'GOPRIVATE', config.publish.modules));
  if (config.publish.enabled && config.publish.modules === '') {
    problems.push({
      key: 'publish.enabled',
      message:
        'publishing needs publish.modules: the module path patterns modgate hosts (also listed in private), e.g. "corp.example/hosted/*"',
    });
  }
  return problems;
}
