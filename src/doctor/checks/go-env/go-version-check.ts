import type { Check } from '../../check.js';
import type { Finding } from '../../finding.js';
import { compareGoVersions, goLang } from '../../../modfile/index.js';

const ID = 'go.version';

/**
 * The go command is on PATH and runs, and is new enough for the module's `go` line. A go
 * older than 1.21 cannot read a three-part `go 1.21.0` line at all (fail); an older go than
 * the module asks for otherwise still downloads but may not build it (warn).
 */
export const goVersionCheck: Check = {
  id: ID,
  layer: 'go',
  network: false,
  run(ctx): Promise<Finding[]> {
    const t = ctx.t;
    if (ctx.go === undefined) {
      return Promise.resolve([
        {
          check: ID,
          layer: 'go',
          status: 'fail',
          summary: ctx.goProblem?.summary ?? t('go.version.missing'),
          why: t('go.version.missing.why'),
          fix: [t('go.version.missing.fix')],
          details: ctx.goProblem?.details ?? [],
        },
      ]);
    }
    const version = ctx.go.version;
    const wanted = ctx.module?.goVersion;
    const base: Finding = {
      check: ID,
      layer: 'go',
      status: 'ok',
      summary: t('go.version.ok', { version, binary: ctx.go.binary }),
    };
    if (wanted === undefined || compareGoVersions(version, `go${wanted}`) >= 0) {
      return Promise.resolve([base]);
    }
    const threePart = /^\d+\.\d+\.\d+$/.test(wanted);
    const unreadable = threePart && compareGoVersions(goLang(version), 'go1.21') < 0;
    return Promise.resolve([
      {
        ...base,
        status: unreadable ? 'fail' : 'warn',
        summary: t('go.version.old', { version, wanted }),
        why: t(unreadable ? 'go.version.old.unreadable.why' : 'go.version.old.why', { wanted }),
        fix: [t('go.version.old.fix', { wanted })],
        details: [
          t('go.version.old.detail', { files: ctx.module?.modFiles.join(', ') ?? 'go.mod' }),
        ],
      },
    ]);
  },
};
