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
    if (ctx.go === undefined) return noGo(ID);
    const value = ctx.go.env.GOFLAGS ?? '';
    const base = { check: ID, layer: 'go' as const, subject: 'GOFLAGS' };
    const details = [sourceNote(ctx, 'GOFLAGS'), `GOFLAGS=${value}`];
    if (value.trim() === '') return [{ ...base, status: 'ok', summary: '(empty)' }];
    const words = value.trim().split(/\s+/);
    const drop = new Set<string>();
    const fails: string[] = [];
    const warns: string[] = [];
    const whys: string[] = [];
    for (const w of words) {
      if (!w.startsWith('-')) {
        fails.push(`"${w}" is not a flag`);
        whys.push('every go command fails with "parsing $GOFLAGS: non-flag"');
        drop.add(w);
      } else if (/^--?mod=vendor$/.test(w) && ctx.module !== undefined) {
        const vendored = await isFile(join(ctx.module.root, 'vendor', 'modules.txt'));
        if (!vendored) {
          fails.push(`${w} but ${join(ctx.module.root, 'vendor')} has no modules.txt`);
          whys.push(
            'builds read dependencies from vendor/ only, so they fail ("inconsistent vendoring", "can\'t compute \'all\' using the vendor directory")',
          );
          drop.add(w);
        }
      } else if (/^--?insecure(=|$)/.test(w)) {
        warns.push(`${w} is ignored since Go 1.17`);
        whys.push(
          'it turned off TLS checks for every download in older go commands; use GOINSECURE=<patterns> for the hosts that need it',
        );
        drop.add(w);
      }
    }
    if (fails.length === 0 && warns.length === 0)
      return [{ ...base, status: 'ok', summary: value, details }];
    const kept = words.filter((w) => !drop.has(w)).join(' ');
    const change = goEnvFix(ctx, 'GOFLAGS', kept === '' ? undefined : kept);
    const vendorHint = fails.some((f) => f.includes('modules.txt'))
      ? ['or keep -mod=vendor and run: go mod vendor']
      : [];
    return [
      {
        ...base,
        status: fails.length > 0 ? 'fail' : 'warn',
        summary: [...fails, ...warns].join('; '),
        why: whys.join('; '),
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
