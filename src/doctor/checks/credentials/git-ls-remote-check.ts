import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactUrl } from '../../../protocol/redact-url.js';
import type { Check } from '../../check.js';
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { runBounded } from '../../run-bounded.js';
import { batchGitEnv } from './batch-git-env.js';
import { classifyGitError } from './classify-git-error.js';
import { readGitConfig } from './git-config.js';
import { parseNetrc } from './parse-netrc.js';
import { hostOf, privateRepos, type PrivateRepo } from './private-repos.js';

const ID = 'credentials.git-ls-remote';

/**
 * The proof: for each private module's repository, the `git ls-remote` the go command runs
 * first, with the machine's own git setup (HOME, helpers, insteadOf, agent) but never a prompt
 * (batch-git-env.ts) and within ctx.probeTimeoutMs. A failure is read (classify-git-error.ts)
 * into what to fix: a .netrc entry, a known_hosts line, a key, the URL.
 */
export const gitLsRemoteCheck: Check = {
  id: ID,
  layer: 'credentials',
  network: true,
  async run(ctx) {
    const repos = await privateRepos(ctx);
    if (repos.length === 0) {
      return [
        {
          check: ID,
          layer: 'credentials',
          status: 'skip',
          summary: ctx.t('credentials.git-ls-remote.none'),
        },
      ];
    }
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
    return Promise.all(repos.map((repo) => probe(ctx, repo)));
  },
};

async function probe(ctx: DoctorContext, repo: PrivateRepo): Promise<Finding> {
  const subject = repo.module.path;
  if (repo.url === undefined || repo.fetchUrl === undefined) {
    return {
      check: ID,
      layer: 'credentials',
      status: repo.vcs !== undefined && repo.vcs !== 'git' ? 'skip' : 'fail',
      subject,
      summary: repo.problem ?? ctx.t('credentials.git-ls-remote.no-url'),
      ...(repo.vcs === undefined
        ? {
            why: ctx.t('credentials.git-ls-remote.no-url.why'),
            fix: [ctx.t('credentials.git-ls-remote.no-url.fix', { module: subject })],
          }
        : {}),
    };
  }
  const url = repo.url;
  const r = await runBounded('git', ['ls-remote', '-q', url, 'HEAD'], {
    cwd: '/',
    env: batchGitEnv(ctx),
    timeoutMs: ctx.probeTimeoutMs,
    signal: ctx.signal,
  });
  const via =
    repo.fetchUrl === url
      ? ''
      : ctx.t('credentials.git-ls-remote.via', { url: redactUrl(repo.fetchUrl) });
  if (r.code === 0 && !r.timedOut) {
    return {
      check: ID,
      layer: 'credentials',
      status: 'ok',
      subject,
      summary: ctx.t('credentials.git-ls-remote.ok', { url: redactUrl(url), via }),
    };
  }
  const failure = classifyGitError(
    r.stderr,
    repo.fetchUrl,
    r.timedOut,
    await credentialSource(ctx, repo.fetchUrl),
    ctx.t,
  );
  return {
    check: ID,
    layer: 'credentials',
    status: 'fail',
    subject,
    summary: ctx.t('credentials.git-ls-remote.failed', {
      url: redactUrl(url),
      via,
      summary: failure.summary,
    }),
    why: failure.why,
    fix: failure.fix,
    details: redactUrl(r.stderr)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .slice(0, 6),
  };
}

/**
 * Whether git's curl sends credentials for the host of `url` on its own: an entry in ~/.netrc
 * (HOME's .netrc, whatever NETRC says). After a 401 git then asks for a user name, so "could
 * not read Username" means those credentials were rejected. (Credentials from a helper that
 * fail are reported by git itself as "Authentication failed".)
 */
async function credentialSource(ctx: DoctorContext, url: string): Promise<string | undefined> {
  const host = hostOf(url)?.toLowerCase();
  if (host === undefined || !/^https?:/i.test(url)) return undefined;
  const text = await readFile(join(ctx.home, '.netrc'), 'utf8').catch(() => '');
  const found = parseNetrc(text).entries.some((e) => e.machine.toLowerCase() === host);
  return found ? '~/.netrc' : undefined;
}
