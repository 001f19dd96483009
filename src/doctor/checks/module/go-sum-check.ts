import type { Check } from '../../check.js';
import { moduleCheck } from './module-scope.js';

const ID = 'module.go-sum';

/**
 * go.sum lines for the requirements: since Go 1.16 the go command does not add missing lines
 * during a build, so a requirement whose `path version/go.mod` line is missing from go.sum
 * (and go.work.sum) fails builds with "missing go.sum entry". A warning, not a failure: go mod
 * download itself still works and adds them, and `go mod tidy` is the fix.
 */
export const goSumCheck: Check = moduleCheck(ID, (ctx, module) => {
  const have = new Set<string>();
  for (const line of module.sumLines) {
    const [path, version] = line.split(' ');
    have.add(`${path ?? ''} ${(version ?? '').replace(/\/go\.mod$/, '')}`);
  }
  const missing = module.fetched.filter((m) => !have.has(`${m.path} ${m.version}`));
  if (missing.length === 0) {
    return [
      {
        check: ID,
        layer: 'module',
        status: 'ok',
        summary: ctx.t('module.go-sum.ok', { n: module.fetched.length }),
      },
    ];
  }
  return [
    {
      check: ID,
      layer: 'module',
      status: 'warn',
      summary: ctx.t(
        missing.length === 1 ? 'module.go-sum.missing.one' : 'module.go-sum.missing.other',
        {
          n: missing.length,
          modules: `${missing
            .slice(0, 3)
            .map((m) => `${m.path}@${m.version}`)
            .join(', ')}${missing.length > 3 ? ', …' : ''}`,
        },
      ),
      why: ctx.t('module.go-sum.missing.why'),
      fix: [`(cd ${module.root} && go mod tidy)`],
      details: missing.map((m) => `${m.path} ${m.version}`),
    },
  ];
});
