import type { Config } from './config.js';

export interface ConfigProblem {
  /** The snake_case key path the problem is about. */
  key: string;
  message: string;
}

/**
 * Checks that need more than one value's shape: GOPROXY / GOPRIVATE syntax and the like.
 * Returns the problems found (empty when the configuration is usable).
 */
export function validateSemantics(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (config.upstream === '') {
    problems.push({ key: 'upstream', message: 'must list at least one upstream (or "off")' });
  }
  for (const pattern of config.private.split(',')) {
    if (/\s/.test(pattern.trim()) || pattern.includes('://')) {
      problems.push({
        key: 'private',
        message: `"${pattern.trim()}" is not a module path pattern (GOPRIVATE syntax: comma-separated path prefixes with globs, e.g. "git.corp.example,github.com/acme/*")`,
      });
    }
  }
  return problems;
}
