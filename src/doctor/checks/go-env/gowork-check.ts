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
    if (ctx.go === undefined) return noGo(ID);
    const base = { check: ID, layer: 'go' as const, subject: 'GOWORK' };
    const fromEnv = ctx.env.GOWORK ?? '';
    if (fromEnv !== '' && fromEnv !== 'off' && !(await exists(fromEnv))) {
      return [
        {
          ...base,
          status: 'fail',
          summary: `GOWORK names ${fromEnv}, which does not exist`,
          why: 'every go command fails with "GOWORK file does not exist"',
          fix: [
            'unset GOWORK   # and remove it from your shell profile / CI settings (go env -w cannot set GOWORK)',
          ],
          details: [`GOWORK=${fromEnv} in the environment`],
        },
      ];
    }
    if (fromEnv === 'off')
      return [{ ...base, status: 'ok', summary: 'off: go.work files are ignored' }];
    const work = ctx.module?.workFile;
    if (work === undefined) return [{ ...base, status: 'ok', summary: 'not in a workspace' }];
    return [
      {
        ...base,
        status: 'ok',
        summary: `workspace ${work} (${ctx.module?.modFiles.length ?? 0} modules)`,
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
