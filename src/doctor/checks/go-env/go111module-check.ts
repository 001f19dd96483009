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
    if (ctx.go === undefined) return Promise.resolve(noGo(ID));
    const value = ctx.go.env.GO111MODULE ?? '';
    const base = { check: ID, layer: 'go' as const, subject: 'GO111MODULE' };
    const details = [sourceNote(ctx, 'GO111MODULE')];
    if (value === 'off') {
      return Promise.resolve([
        {
          ...base,
          status: 'fail',
          summary: 'GO111MODULE=off: modules are disabled',
          why: 'go mod download fails with "modules disabled by GO111MODULE=off"; go build ignores go.mod and looks in GOPATH',
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
          summary: `GO111MODULE=${value} is not on, off or auto`,
          why: 'every go command fails with "unknown environment setting GO111MODULE"',
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
          summary: `GO111MODULE=auto in ${gopathSrc} without a go.mod: the go command uses GOPATH mode here`,
          why: 'dependencies come from GOPATH/src, not from the module proxy; go mod download refuses to run',
          fix: [
            'go mod init <module path>   # in the project directory',
            ...(goEnvFix(ctx, 'GO111MODULE', 'on').fix ?? []),
          ],
          goEnvChanges: [{ name: 'GO111MODULE', value: 'on' }],
          details,
        },
      ]);
    }
    return Promise.resolve([
      { ...base, status: 'ok', summary: value === '' ? 'modules on (default)' : value, details },
    ]);
  },
};
