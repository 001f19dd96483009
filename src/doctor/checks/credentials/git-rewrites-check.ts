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
          summary: ctx.t('credentials.git-rewrites.no-git'),
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
          summary: ctx.t('credentials.git-rewrites.token', {
            base: redactUrl(rule.base),
            origin: shownOrigin(rule.origin, ctx.home),
          }),
          why: ctx.t('credentials.git-rewrites.token.why'),
          fix: [ctx.t('credentials.git-rewrites.token.fix', { base: redactUrl(rule.base) })],
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
          summary: ctx.t('credentials.git-rewrites.as-is', { url: redactUrl(url) }),
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
        summary: ctx.t(
          ssh ? 'credentials.git-rewrites.rewritten.ssh' : 'credentials.git-rewrites.rewritten',
          { url: redactUrl(url), to },
        ),
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
            ? ctx.t('credentials.git-rewrites.none')
            : ctx.t('credentials.git-rewrites.unrelated', { n: git.rewrites.length }),
        details: git.rewrites.map(
          (r) =>
            `url.${redactUrl(r.base)}.${r.push ? 'pushInsteadOf' : 'insteadOf'} = ${redactUrl(r.prefix)}`,
        ),
      });
    }
    return findings;
  },
};
