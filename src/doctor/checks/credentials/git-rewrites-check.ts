import { redactUrl } from '../../../protocol/redact-url.js';
import type { Check } from '../../check.js';
import type { Finding } from '../../finding.js';
import { readGitConfig, shownOrigin } from './git-config.js';
import { isSshUrl, privateRepos } from './private-repos.js';

const ID = 'credentials.git-rewrites';

/**
 * git's `url.<base>.insteadOf` rules and what they do to each private repository URL: the go
 * command asks git for `https://host/path`, and a rule can silently send it to
 * `ssh://git@host/path` (then an SSH key is needed, see credentials.ssh) or to another host.
 * `pushInsteadOf` is listed but never changes a fetch. A token written into a rule's base is
 * flagged (and never shown).
 */
export const gitRewritesCheck: Check = {
  id: ID,
  layer: 'credentials',
  network: false,
  async run(ctx) {
    const git = await readGitConfig(ctx);
    if (git.version === undefined) {
      return [
        {
          check: ID,
          layer: 'credentials',
          status: 'skip',
          summary: 'git is not available (see credentials.git)',
        },
      ];
    }
    const findings: Finding[] = [];
    for (const rule of git.rewrites) {
      if (
        /^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(rule.base) ||
        /^https?:\/\/[^/@]+@/i.test(rule.base)
      ) {
        findings.push({
          check: ID,
          layer: 'credentials',
          status: 'warn',
          subject: redactUrl(rule.base),
          summary: `url.${redactUrl(rule.base)}.insteadOf holds a credential in plain text (${shownOrigin(rule.origin, ctx.home)})`,
          why: 'git config files are often world-readable and copied around; a token belongs in ~/.netrc (mode 600) or a credential helper',
          fix: [`git config --global --edit   # move the token out of url.${redactUrl(rule.base)}`],
        });
      }
    }
    const repos = (await privateRepos(ctx)).filter((r) => r.url !== undefined);
    for (const repo of repos) {
      const url = repo.url ?? '';
      if (repo.rule === undefined) {
        findings.push({
          check: ID,
          layer: 'credentials',
          status: 'ok',
          subject: repo.module.path,
          summary: `${redactUrl(url)} is fetched as is (no insteadOf rule applies)`,
        });
        continue;
      }
      const to = redactUrl(repo.fetchUrl ?? '');
      const ssh = isSshUrl(repo.fetchUrl ?? '');
      findings.push({
        check: ID,
        layer: 'credentials',
        status: 'ok',
        subject: repo.module.path,
        summary: `${redactUrl(url)} → ${to}${ssh ? ' (ssh: needs a key, see credentials.ssh)' : ''}`,
        details: [
          `url.${redactUrl(repo.rule.base)}.insteadOf = ${redactUrl(repo.rule.prefix)} (${shownOrigin(repo.rule.origin, ctx.home)})`,
        ],
      });
    }
    if (findings.length === 0) {
      findings.push({
        check: ID,
        layer: 'credentials',
        status: 'ok',
        summary:
          git.rewrites.length === 0
            ? 'no url.<base>.insteadOf rules'
            : `${git.rewrites.length} insteadOf rule(s), none for a private module here`,
        details: git.rewrites.map(
          (r) =>
            `url.${redactUrl(r.base)}.${r.push ? 'pushInsteadOf' : 'insteadOf'} = ${redactUrl(r.prefix)}`,
        ),
      });
    }
    return findings;
  },
};
