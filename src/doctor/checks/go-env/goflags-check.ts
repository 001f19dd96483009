import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Check } from '../../check.js';
import type { Finding } from '../../finding.js';
import { goEnvFix, noGo, sourceNote } from './go-env-fix.js';

const ID = 'go.goflags';

/**
 * GOFLAGS, flags the go command adds to every command: a word that is not a flag makes every
 * command fail ("parsing $GOFLAGS: non-flag"); `-mod=vendor` without a vendor directory makes
 * every build fail (no vendor/modules.txt: "inconsistent vendoring", "can't compute 'all'");
 * `-insecure` is ignored since Go 1.17 (GOINSECURE replaced it) and disabled TLS checks before.
 */
export const goflagsCheck: Check = {
  id: ID,
  layer: 'go',
  network: false,
  async run(ctx): Promise<Finding[]> {
    if (ctx.go === undefined) return noGo(ctx, ID);
    const value = ctx.go.env.GOFLAGS ?? '';
    const base = { check: ID, layer: 'go' as const, subject: 'GOFLAGS' };
    const details = [sourceNote(ctx, 'GOFLAGS'), `GOFLAGS=${value}`];
    const t = ctx.t;
    if (value.trim() === '') return [{ ...base, status: 'ok', summary: t('go.goflags.empty') }];
    const words = value.trim().split(/\s+/);
    const drop = new Set<string>();
    const fails: string[] = [];
    const warns: string[] = [];
    const whys: string[] = [];
    let unvendored = false;
    for (const w of words) {
      if (!w.startsWith('-')) {
        fails.push(t('go.goflags.non-flag', { word: w }));
        whys.push(t('go.goflags.non-flag.why'));
        drop.add(w);
      } else if (/^--?mod=vendor$/.test(w) && ctx.module !== undefined) {
        const vendored = await isFile(join(ctx.module.root, 'vendor', 'modules.txt'));
        if (!vendored) {
          fails.push(t('go.goflags.vendor', { flag: w, dir: join(ctx.module.root, 'vendor') }));
          whys.push(t('go.goflags.vendor.why'));
          unvendored = true;
          drop.add(w);
        }
      } else if (/^--?insecure(=|$)/.test(w)) {
        warns.push(t('go.goflags.insecure', { flag: w }));
        whys.push(t('go.goflags.insecure.why'));
        drop.add(w);
      }
    }
    if (fails.length === 0 && warns.length === 0)
      return [{ ...base, status: 'ok', summary: value, details }];
    const kept = words.filter((w) => !drop.has(w)).join(' ');
    const change = goEnvFix(ctx, 'GOFLAGS', kept === '' ? undefined : kept);
    const vendorHint = unvendored ? [t('go.goflags.vendor.fix')] : [];
    return [
      {
        ...base,
        status: fails.length > 0 ? 'fail' : 'warn',
        summary: [...fails, ...warns].join(t('report.list.separator')),
        why: whys.join(t('report.list.separator')),
        fix: [...(change.fix ?? []), ...vendorHint],
        ...(change.goEnvChanges === undefined ? {} : { goEnvChanges: change.goEnvChanges }),
        details,
      },
    ];
  },
};

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
