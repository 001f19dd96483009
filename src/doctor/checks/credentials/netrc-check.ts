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
    const path = netrcPath(ctx);
    const shown = ctx.env.NETRC !== undefined && ctx.env.NETRC !== '' ? path : '~/.netrc';
    const findings: Finding[] = [];
    const needs = await hostsNeedingEntries(ctx);
    let netrc: Netrc | undefined;
    const st = await stat(path).catch((error: NodeJS.ErrnoException) => error);
    if (st instanceof Error) {
      if (st.code !== 'ENOENT') {
        return [fail(shown, `cannot read ${shown}: ${st.code ?? st.message}`, [`ls -l ${shown}`])];
      }
      findings.push({
        check: ID,
        layer: 'credentials',
        status: 'ok',
        subject: shown,
        summary: `not present${needs.length === 0 ? ' (no host here needs one)' : ''}`,
      });
    } else {
      const mode = st.mode & 0o777;
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text === undefined)
        return [fail(shown, `${shown} is not readable`, [`chmod 600 ${shown}`])];
      netrc = parseNetrc(text);
      const machines = netrc.entries.map((e) => e.machine);
      const details = [
        `mode ${octal(mode)}`,
        `machines: ${machines.length === 0 ? '(none)' : machines.join(', ')}`,
      ];
      if (netrc.hasDefault)
        details.push(
          'a `default` entry: git uses it for every other host, the go command ignores it',
        );
      if ((mode & 0o077) !== 0) {
        findings.push({
          check: ID,
          layer: 'credentials',
          status: 'warn',
          subject: shown,
          summary: `readable by ${(mode & 0o007) !== 0 ? 'every user' : 'its group'} (mode ${octal(mode)})`,
          why: 'it holds passwords and tokens in plain text; other accounts on this machine can read them',
          fix: [`chmod 600 ${shown}`],
          details,
        });
      } else {
        findings.push({
          check: ID,
          layer: 'credentials',
          status: 'ok',
          subject: shown,
          summary: `mode ${octal(mode)}, ${machines.length} ${machines.length === 1 ? 'entry' : 'entries'}`,
          details,
        });
      }
      for (const machine of netrc.incomplete) {
        findings.push({
          check: ID,
          layer: 'credentials',
          status: 'warn',
          subject: machine,
          summary: `no login or no password in ${shown}: the go command ignores this machine`,
          why: 'the go command only uses entries with machine, login and password',
          fix: [
            `# complete the line in ${shown}: machine ${machine} login <user> password <token>`,
          ],
        });
      }
    }
    const git = await readGitConfig(ctx);
    const helper = git.entries.some(
      (e) => /^credential\.(.*\.)?helper$/.test(e.key) && e.value !== '',
    );
    for (const need of needs) {
      const entry = netrc?.entries.find((e) => e.machine.toLowerCase() === need.host.toLowerCase());
      if (entry !== undefined) {
        findings.push({
          check: ID,
          layer: 'credentials',
          status: 'ok',
          subject: need.host,
          summary: `entry present in ${shown} (login ***)`,
          details: [need.reason],
        });
      } else if (need.optional === true) {
        continue;
      } else if (helper && need.git) {
        findings.push({
          check: ID,
          layer: 'credentials',
          status: 'ok',
          subject: need.host,
          summary: `no ${shown} entry; git's credential helper may supply one (credentials.git-ls-remote tries it)`,
          details: [need.reason],
        });
      } else {
        findings.push({
          check: ID,
          layer: 'credentials',
          status: 'warn',
          subject: need.host,
          summary: `no ${shown} entry`,
          why: `${need.reason}; without an entry (or a credential helper) the request goes out with no credentials`,
          fix: need.git
            ? netrcFix(need.host)
            : netrcFix(need.host).map((l) => l.replace(/~\/\.netrc/g, shown)),
        });
      }
    }
    return findings;
  },
};

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
      reason: `git fetches private module ${repo.module.path} from ${host}`,
      git: true,
    });
  }
  if (ctx.server?.credentials === true) {
    const host = hostOf(ctx.server.url);
    if (host !== undefined && !needs.has(host)) {
      needs.set(host, {
        host,
        reason: `the company's modgate at ${host} asks for credentials`,
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
        needs.set(host, { host, reason: `GOPROXY names ${host}`, git: false, optional: true });
      }
    } catch {
      // An unusable GOPROXY is the go layer's finding.
    }
  }
  return [...needs.values()];
}

function fail(subject: string, summary: string, fix: string[]): Finding {
  return { check: ID, layer: 'credentials', status: 'fail', subject, summary, fix };
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
