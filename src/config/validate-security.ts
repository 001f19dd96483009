import { isIP } from 'node:net';
import { errorKind } from '../errors/index.js';
import { compileAccess } from '../policy/index.js';
import type { Config } from './config.js';
import type { ConfigProblem } from './config-problem.js';

/**
 * The issue-14 settings beyond one value's shape: access rules and WHO lists parse, TLS files
 * come in pairs, trusted proxies are addresses or CIDRs, and the settings that only matter
 * with users (rules naming users) have a users file. The files themselves are read when
 * modgate starts (a bad users file or certificate refuses the start, naming the problem).
 */
export function securityProblems(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  try {
    compileAccess(config.access);
  } catch (err) {
    if (errorKind(err) !== 'invalid') throw err;
    problems.push({ key: 'access.rules', message: (err as Error).message });
  }
  if ((config.tls.cert === '') !== (config.tls.key === '')) {
    problems.push({
      key: 'tls.cert',
      message: 'give both tls.cert and tls.key (PEM files), or neither (plain HTTP)',
    });
  }
  for (const entry of config.trustedProxies) {
    if (cidrProblem(entry)) {
      problems.push({
        key: 'trusted_proxies',
        message: `${JSON.stringify(entry)} is not an IP address or CIDR such as "10.0.0.0/8" or "fd00::/8"`,
      });
    }
  }
  return problems;
}

/** True when `entry` is not `ADDRESS` or `ADDRESS/PREFIX` with a prefix the family allows. */
export function cidrProblem(entry: string): boolean {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return true;
  if (slash < 0) return false;
  const prefix = entry.slice(slash + 1);
  return !/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128);
}
