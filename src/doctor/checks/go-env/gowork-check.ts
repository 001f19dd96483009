import { stat } from 'node:fs/promises';
import type { Check } from '../../check.js';
import type { Finding } from '../../finding.js';
import { noGo } from './go-env-fix.js';

const ID = 'go.gowork';

/**
 * GOWORK: a workspace file that the environment names but that does not exist makes every
 * go command in the module fail ("go: GOWORK file ... does not exist"); `off` ignores
 * go.work files; otherwise the go command finds go.work upward from the directory and its
 * `use` and `replace` lines decide what is fetched (shown, since a stray go.work above a
 * project silently changes its build).
 */
export const goworkCheck: Check = {
  id: ID,
  layer: 'go',
  network: false,
  async run(ctx): Promise<Finding[]> {
    if (ctx.go === undefined) return noGo(ctx, ID);
    const base = { check: ID, layer: 'go' as const, subject: 'GOWORK' };
    const fromEnv = ctx.env.GOWORK ?? '';
    if (fromEnv !== '' && fromEnv !== 'off' && !(await exists(fromEnv))) {
      return [
        {
          ...base,
          status: 'fail',
          summary: ctx.t('go.gowork.missing', { file: fromEnv }),
          why: ctx.t('go.gowork.missing.why'),
          fix: [ctx.t('go.gowork.missing.fix')],
          details: [ctx.t('go.gowork.missing.detail', { file: fromEnv })],
        },
      ];
    }
    if (fromEnv === 'off') return [{ ...base, status: 'ok', summary: ctx.t('go.gowork.off') }];
    const work = ctx.module?.workFile;
    if (work === undefined) return [{ ...base, status: 'ok', summary: ctx.t('go.gowork.none') }];
    return [
      {
        ...base,
        status: 'ok',
        summary: ctx.t('go.gowork.workspace', { file: work, n: ctx.module?.modFiles.length ?? 0 }),
        details: ctx.module?.modFiles ?? [],
      },
    ];
  },
};

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
