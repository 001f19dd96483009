import { errorKind } from '../errors/index.js';
import { pathMatch } from '../module/index.js';
import { parseGoproxyList } from '../protocol/goproxy-list.js';
import { parseGosumdb } from '../sumdb/gosumdb-config.js';
import { compileRewrites, parseVcsPolicy } from '../upstream/direct/discovery/index.js';
import type { Config } from './config.js';

export interface ConfigProblem {
  /** The snake_case key path the problem is about. */
  key: string;
  message: string;
}

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
  for (const entry of config.sumdb.databases) {
    try {
      parseGosumdb(entry);
    } catch (err) {
      if (errorKind(err) !== 'invalid') throw err;
      problems.push({ key: 'sumdb.databases', message: (err as Error).message });
    }
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
