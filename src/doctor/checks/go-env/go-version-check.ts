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
    if (ctx.go === undefined) {
      return Promise.resolve([
        {
          check: ID,
          layer: 'go',
          status: 'fail',
          summary: ctx.goProblem?.summary ?? 'the go command could not be run',
          why: 'go mod download is the go command; doctor also needs it to read go env',
          fix: [
            'install Go from https://go.dev/dl/ (or your package manager) and put its bin directory on PATH',
          ],
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
      summary: `${version} at ${ctx.go.binary}`,
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
        summary: `${version} is older than the module's go ${wanted}`,
        why: unreadable
          ? `go before 1.21 cannot parse a "go ${wanted}" line: every go command in this module fails with "invalid go version"`
          : `the module says it needs go ${wanted}: this go downloads its dependencies but may fail to build it`,
        fix: [`install go ${wanted} or later from https://go.dev/dl/`],
        details: [`go line of ${ctx.module?.modFiles.join(', ') ?? 'go.mod'}`],
      },
    ]);
  },
};
