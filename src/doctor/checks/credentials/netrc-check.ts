import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseGoproxyList } from '../../../protocol/goproxy-list.js';
import type { Check } from '../../check.js';
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { netrcFix } from './classify-git-error.js';
import { readGitConfig } from './git-config.js';
import { parseNetrc, type Netrc } from './parse-netrc.js';
import { hostOf, isSshUrl, privateRepos } from './private-repos.js';

const ID = 'credentials.netrc';

/**
 * .netrc (NETRC, else ~/.netrc — the go command's rule): readable only by its owner, parsed as
 * the go command parses it, and holding an entry for each host that needs one: the https git
 * hosts of the private modules (after insteadOf rewrites: the host git really contacts) and,
 * when the company's modgate asks for credentials, its host. Logins and passwords never appear.
 */
export const netrcCheck: Check = {
  id: ID,
  layer: 'credentials',
  network: false,
  async run(ctx) {
    const needs = await hostsNeedingEntries(ctx);
    const findings: Finding[] = [];
    // The go command reads NETRC (else ~/.netrc); git's curl reads ~/.netrc whatever NETRC says.
    const gitPath = join(ctx.home, '.netrc');
    const goPath = netrcPath(ctx);
    const goShown = goPath === gitPath ? '~/.netrc' : goPath;
    const goFile = await inspect(ctx, goPath, goShown, needs.length === 0, findings);
    const gitFile =
      goPath === gitPath ? goFile : await inspect(ctx, gitPath, '~/.netrc', true, findings);
    const git = await readGitConfig(ctx);
    const helper = git.entries.some(
      (e) => /^credential\.(.*\.)?helper$/.test(e.key) && e.value !== '',
    );
    const has = (netrc: Netrc | undefined, host: string): boolean =>
      netrc?.entries.some((e) => e.machine.toLowerCase() === host.toLowerCase()) === true;
    for (const need of needs) {
      const shown = need.git ? '~/.netrc' : goShown;
      const base = { check: ID, layer: 'credentials' as const, subject: need.host };
      if (has(need.git ? gitFile : goFile, need.host)) {
        findings.push({
          ...base,
          status: 'ok',
          summary: ctx.t('credentials.netrc.present', { file: shown }),
          details: [need.reason],
        });
      } else if (need.optional === true) {
        continue;
      } else if (need.git && goPath !== gitPath && has(goFile, need.host)) {
        findings.push({
          ...base,
          status: 'warn',
          summary: ctx.t('credentials.netrc.netrc-only', { file: goPath }),
          why: ctx.t('credentials.netrc.netrc-only.why', { reason: need.reason }),
          fix: netrcFix(need.host),
        });
      } else if (helper && need.git) {
        findings.push({
          ...base,
          status: 'ok',
          summary: ctx.t('credentials.netrc.helper', { file: shown }),
          details: [need.reason],
        });
      } else {
        findings.push({
          ...base,
          status: 'warn',
          summary: ctx.t('credentials.netrc.missing', { file: shown }),
          why: ctx.t('credentials.netrc.missing.why', { reason: need.reason }),
          fix: netrcFix(need.host).map((l) => l.replace(/~\/\.netrc/g, shown)),
        });
      }
    }
    return findings;
  },
};

/**
 * One .netrc file: its mode (owner only), its machines, its incomplete entries — as findings
 * appended to `findings`; returns the parsed file (undefined when absent or unreadable).
 */
async function inspect(
  ctx: DoctorContext,
  path: string,
  shown: string,
  noneNeeded: boolean,
  findings: Finding[],
): Promise<Netrc | undefined> {
  const base = { check: ID, layer: 'credentials' as const, subject: shown };
  const st = await stat(path).catch((error: NodeJS.ErrnoException) => error);
  if (st instanceof Error) {
    if (st.code === 'ENOENT') {
      findings.push({
        ...base,
        status: 'ok',
        summary: ctx.t(
          noneNeeded ? 'credentials.netrc.absent.unneeded' : 'credentials.netrc.absent',
        ),
      });
    } else {
      findings.push({
        ...base,
        status: 'fail',
        summary: ctx.t('credentials.netrc.unreadable', { error: st.code ?? st.message }),
        fix: [`ls -l ${shown}`],
      });
    }
    return undefined;
  }
  const mode = st.mode & 0o777;
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) {
    findings.push({
      ...base,
      status: 'fail',
      summary: ctx.t('credentials.netrc.not-readable'),
      fix: [`chmod 600 ${shown}`],
    });
    return undefined;
  }
  const netrc = parseNetrc(text);
  const machines = netrc.entries.map((e) => e.machine);
  const details = [
    ctx.t('credentials.netrc.mode', { mode: octal(mode) }),
    machines.length === 0
      ? ctx.t('credentials.netrc.machines.none')
      : ctx.t('credentials.netrc.machines', { machines: machines.join(', ') }),
  ];
  if (netrc.hasDefault) details.push(ctx.t('credentials.netrc.default'));
  if ((mode & 0o077) !== 0) {
    findings.push({
      ...base,
      status: 'warn',
      summary: ctx.t(
        (mode & 0o007) !== 0
          ? 'credentials.netrc.readable.all'
          : 'credentials.netrc.readable.group',
        { mode: octal(mode) },
      ),
      why: ctx.t('credentials.netrc.readable.why'),
      fix: [`chmod 600 ${shown}`],
      details,
    });
  } else {
    findings.push({
      ...base,
      status: 'ok',
      summary: ctx.t(
        machines.length === 1 ? 'credentials.netrc.ok.one' : 'credentials.netrc.ok.other',
        { mode: octal(mode), n: machines.length },
      ),
      details,
    });
  }
  for (const machine of netrc.incomplete) {
    findings.push({
      check: ID,
      layer: 'credentials',
      status: 'warn',
      subject: machine,
      summary: ctx.t('credentials.netrc.incomplete', { file: shown }),
      why: ctx.t('credentials.netrc.incomplete.why'),
      fix: [ctx.t('credentials.netrc.incomplete.fix', { file: shown, machine })],
    });
  }
  return netrc;
}

/** NETRC when set and not empty, else ~/.netrc (cmd/go/internal/auth/netrc.go). */
export function netrcPath(ctx: DoctorContext): string {
  const env = ctx.env.NETRC;
  return env !== undefined && env !== '' ? env : join(ctx.home, '.netrc');
}

interface Need {
  host: string;
  reason: string;
  /** git reads ~/.netrc (through curl); the go command reads NETRC or ~/.netrc. */
  git: boolean;
  /** Reported only when an entry is present. */
  optional?: boolean;
}

async function hostsNeedingEntries(ctx: DoctorContext): Promise<Need[]> {
  const needs = new Map<string, Need>();
  for (const repo of await privateRepos(ctx)) {
    if (repo.fetchUrl === undefined || isSshUrl(repo.fetchUrl)) continue;
    if (!/^https?:/i.test(repo.fetchUrl)) continue;
    const host = hostOf(repo.fetchUrl);
    if (host === undefined || needs.has(host)) continue;
    needs.set(host, {
      host,
      reason: ctx.t('credentials.netrc.reason.git', { module: repo.module.path, host }),
      git: true,
    });
  }
  if (ctx.server?.credentials === true) {
    const host = hostOf(ctx.server.url);
    if (host !== undefined && !needs.has(host)) {
      needs.set(host, {
        host,
        reason: ctx.t('credentials.netrc.reason.server', { host }),
        git: false,
      });
    }
  }
  // GOPROXY hosts: an entry is reported when present; a missing one only matters when the
  // host asks for credentials (the company's modgate says so, or the network layer's 401).
  const goproxy = ctx.go?.env.GOPROXY;
  if (goproxy !== undefined) {
    try {
      for (const entry of parseGoproxyList(goproxy)) {
        const host = entry.url === undefined ? undefined : hostOf(entry.url);
        if (host === undefined || needs.has(host) || !/^https?:/i.test(entry.url ?? '')) continue;
        needs.set(host, {
          host,
          reason: ctx.t('credentials.netrc.reason.goproxy', { host }),
          git: false,
          optional: true,
        });
      }
    } catch {
      // An unusable GOPROXY is the go layer's finding.
    }
  }
  return [...needs.values()];
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
