import { relative, isAbsolute, join, delimiter } from 'node:path';
import type { Check } from '../../check.js';
import type { Finding } from '../../finding.js';
import { goEnvFix, noGo, sourceNote } from './go-env-fix.js';

const ID = 'go.go111module';

/**
 * GO111MODULE: `off` puts the go command in GOPATH mode, where `go mod download` refuses to
 * run ("modules disabled by GO111MODULE=off") — fail. `auto` (or empty, the default since Go
 * 1.16, which means on) is fine in a module; `auto` in a directory of GOPATH/src without a
 * go.mod builds in GOPATH mode — warn. Any other value makes every go command fail.
 */
export const go111moduleCheck: Check = {
  id: ID,
  layer: 'go',
  network: false,
  run(ctx): Promise<Finding[]> {
    if (ctx.go === undefined) return Promise.resolve(noGo(ctx, ID));
    const value = ctx.go.env.GO111MODULE ?? '';
    const base = { check: ID, layer: 'go' as const, subject: 'GO111MODULE' };
    const details = [sourceNote(ctx, 'GO111MODULE')];
    if (value === 'off') {
      return Promise.resolve([
        {
          ...base,
          status: 'fail',
          summary: ctx.t('go.go111module.off'),
          why: ctx.t('go.go111module.off.why'),
          ...goEnvFix(ctx, 'GO111MODULE', 'on'),
          details,
        },
      ]);
    }
    if (value !== '' && value !== 'on' && value !== 'auto') {
      return Promise.resolve([
        {
          ...base,
          status: 'fail',
          summary: ctx.t('go.go111module.invalid', { value }),
          why: ctx.t('go.go111module.invalid.why'),
          ...goEnvFix(ctx, 'GO111MODULE', 'on'),
          details,
        },
      ]);
    }
    const gopathSrc = (ctx.go.env.GOPATH ?? '')
      .split(delimiter)
      .filter((p) => p !== '')
      .map((p) => join(p, 'src'))
      .find((src) => {
        const rel = relative(src, ctx.dir);
        return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
      });
    if (value === 'auto' && ctx.module === undefined && gopathSrc !== undefined) {
      return Promise.resolve([
        {
          ...base,
          status: 'warn',
          summary: ctx.t('go.go111module.gopath', { dir: gopathSrc }),
          why: ctx.t('go.go111module.gopath.why'),
          fix: [
            ctx.t('go.go111module.gopath.fix'),
            ...(goEnvFix(ctx, 'GO111MODULE', 'on').fix ?? []),
          ],
          goEnvChanges: [{ name: 'GO111MODULE', value: 'on' }],
          details,
        },
      ]);
    }
    return Promise.resolve([
      {
        ...base,
        status: 'ok',
        summary: value === '' ? ctx.t('go.go111module.default') : value,
        details,
      },
    ]);
  },
};
