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
    if (ctx.go === undefined) return Promise.resolve(noGo(ctx, ID));
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
          summary: ctx.t('go.gosumdb.off'),
          why: ctx.t('go.gosumdb.off.why'),
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
          summary: ctx.t('go.gosumdb.unparsable', { value, error: (err as Error).message }),
          why: ctx.t('go.gosumdb.unparsable.why'),
          fix: [
            ...(goEnvFix(ctx, 'GOSUMDB', recommended).fix ?? []),
            ctx.t('go.gosumdb.unparsable.fix'),
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
          summary: ctx.t('go.gosumdb.no-url', { name: db.name }),
          why: ctx.t('go.gosumdb.no-url.why', { name: db.name }),
          fix: [ctx.t('go.gosumdb.no-url.fix', { value, name: db.name })],
          details,
        },
      ]);
    }
    const summary =
      fromServer && fields.length === 1
        ? ctx.t('go.gosumdb.ok.server', { name: db.name })
        : ctx.t('go.gosumdb.ok.url', { name: db.name, url: db.url.href });
    return Promise.resolve([{ ...base, status: 'ok', summary, details }]);
  },
};
