import type { Check } from '../../check.js';
import type { Finding } from '../../finding.js';
import { KNOWN_GOSUMDB, parseGosumdb } from '../../../sumdb/gosumdb-config.js';
import { goEnvFix, noGo, sourceNote } from './go-env-fix.js';

const ID = 'go.gosumdb';

/**
 * GOSUMDB as the go command reads it (sumdb/gosumdb-config): `off` works but verifies
 * nothing (warn: usually left over from debugging — private paths belong in GONOSUMDB); a
 * value that does not parse (an unknown name without a key, a bad key, three fields) fails
 * every download of a module not in go.sum; a key without a URL is reached through GOPROXY's
 * /sumdb/ support or https://<name> (warn for names the go command does not know).
 */
export const gosumdbCheck: Check = {
  id: ID,
  layer: 'go',
  network: false,
  run(ctx): Promise<Finding[]> {
    if (ctx.go === undefined) return Promise.resolve(noGo(ID));
    const value = ctx.go.env.GOSUMDB ?? '';
    const base = { check: ID, layer: 'go' as const, subject: 'GOSUMDB' };
    const details = [sourceNote(ctx, 'GOSUMDB')];
    const recommended =
      ctx.server?.gosumdb !== undefined && ctx.server.gosumdb !== ''
        ? ctx.server.gosumdb
        : undefined;
    if (value === 'off') {
      return Promise.resolve([
        {
          ...base,
          status: 'warn',
          summary: 'GOSUMDB=off: downloaded modules are not checked against a checksum database',
          why: 'a tampered or substituted module version would go unnoticed; to skip the check for private modules only, list them in GONOSUMDB (or GOPRIVATE)',
          ...goEnvFix(ctx, 'GOSUMDB', recommended),
          details,
        },
      ]);
    }
    let db;
    try {
      db = parseGosumdb(value);
    } catch (err) {
      return Promise.resolve([
        {
          ...base,
          status: 'fail',
          summary: `"${value}" is not a usable GOSUMDB: ${(err as Error).message}`,
          why: 'the go command fails every download that needs a go.sum line it does not have yet ("verifying module: invalid GOSUMDB")',
          fix: [
            ...(goEnvFix(ctx, 'GOSUMDB', recommended).fix ?? []),
            'a database other than sum.golang.org needs its full key: GOSUMDB="<name>+<hash>+<key> [<url>]"',
          ],
          goEnvChanges: [{ name: 'GOSUMDB', value: recommended }],
          details,
        },
      ]);
    }
    if (db === null) return Promise.resolve([{ ...base, status: 'ok', summary: value, details }]);
    const fields = value.trim().split(/\s+/);
    // The company modgate's own recommendation (client-config) names a database it serves under
    // its /sumdb/: the key alone is right there (network.http checks that it is served).
    const fromServer = ctx.server !== undefined && ctx.server.gosumdb.trim() === value.trim();
    if (
      !fromServer &&
      fields.length === 1 &&
      KNOWN_GOSUMDB[fields[0] ?? ''] === undefined &&
      value !== 'sum.golang.google.cn'
    ) {
      return Promise.resolve([
        {
          ...base,
          status: 'warn',
          summary: `the key of ${db.name} is given without a URL`,
          why: `the go command then asks each GOPROXY for /sumdb/${db.name}/supported and otherwise connects to https://${db.name} itself; if neither serves this database, every new module fails verification`,
          fix: [`go env -w GOSUMDB='${value} https://<the URL that serves ${db.name}>'`],
          details,
        },
      ]);
    }
    const where =
      fromServer && fields.length === 1
        ? `through the company modgate's /sumdb/${db.name}/ (its client-config's GOSUMDB)`
        : `at ${db.url.href}`;
    return Promise.resolve([{ ...base, status: 'ok', summary: `${db.name} ${where}`, details }]);
  },
};
