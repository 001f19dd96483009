import type { Check } from '../../check.js';
import type { Finding } from '../../finding.js';
import { readGitConfig, shownOrigin } from './git-config.js';
import { privateRepos } from './private-repos.js';

const ID = 'credentials.git';

/**
 * git itself: installed (the go command needs it for every module it fetches directly), and the
 * credential helpers it asks for https passwords — `credential.helper` and the per-URL
 * `credential.<url>.helper` — with the file that sets each.
 */
export const gitCheck: Check = {
  id: ID,
  layer: 'credentials',
  network: false,
  async run(ctx) {
    const git = await readGitConfig(ctx);
    const repos = await privateRepos(ctx);
    if (git.version === undefined) {
      const needed = repos.length > 0;
      return [
        {
          check: ID,
          layer: 'credentials',
          status: needed ? 'fail' : 'warn',
          subject: 'git',
          summary: git.problem ?? ctx.t('credentials.git.missing'),
          why: needed
            ? ctx.t('credentials.git.missing.needed.why', {
                modules: repos.map((r) => r.module.path).join(', '),
              })
            : ctx.t('credentials.git.missing.why'),
          fix: [ctx.t('credentials.git.missing.fix')],
        },
      ];
    }
    const findings: Finding[] = [
      {
        check: ID,
        layer: 'credentials',
        status: 'ok',
        subject: 'git',
        summary: ctx.t('credentials.git.ok', { version: git.version }),
      },
    ];
    const helpers = git.entries.filter((e) => /^credential\.(.*\.)?helper$/.test(e.key));
    if (helpers.length === 0) {
      findings.push({
        check: ID,
        layer: 'credentials',
        status: 'ok',
        subject: 'credential.helper',
        summary: ctx.t('credentials.git.no-helper'),
      });
    } else {
      findings.push({
        check: ID,
        layer: 'credentials',
        status: 'ok',
        subject: 'credential.helper',
        summary: `${helpers.map((h) => (h.value === '' ? '(reset)' : h.value.split(/\s/)[0])).join(', ')}`,
        details: helpers.map(
          (h) => `${h.key} = ${h.value.split(/\s/)[0] ?? ''} (${shownOrigin(h.origin, ctx.home)})`,
        ),
      });
    }
    return findings;
  },
};
