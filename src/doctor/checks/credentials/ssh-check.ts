import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactUrl } from '../../../protocol/redact-url.js';
import type { Check } from '../../check.js';
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { runBounded } from '../../run-bounded.js';
import { DEFAULT_KEYS, batchGitEnv, sshBatchOptions } from './batch-git-env.js';
import { classifyGitError, knownHostsFix } from './classify-git-error.js';
import { isSshUrl, privateRepos } from './private-repos.js';

const ID = 'credentials.ssh';

interface SshTarget {
  user: string;
  host: string;
  port: string | undefined;
  /** The repository URL (redacted) that goes over ssh, for the report. */
  url: string;
}

/**
 * For every private repository git reaches over ssh (directly or through insteadOf): key files
 * in ~/.ssh (the default names and IdentityFile lines of ~/.ssh/config), the agent
 * (SSH_AUTH_SOCK, `ssh-add -l`), the host's known_hosts entry (`ssh-keygen -F`), and — unless
 * --offline — `ssh -o BatchMode=yes -T user@host`, bounded, read like git's error text.
 */
export const sshCheck: Check = {
  id: ID,
  layer: 'credentials',
  network: false,
  async run(ctx) {
    const targets = new Map<string, SshTarget>();
    for (const repo of await privateRepos(ctx)) {
      if (repo.fetchUrl === undefined || !isSshUrl(repo.fetchUrl)) continue;
      const t = sshTarget(repo.fetchUrl);
      if (t !== undefined) targets.set(`${t.user}@${t.host}:${t.port ?? ''}`, t);
    }
    if (targets.size === 0) {
      return [
        {
          check: ID,
          layer: 'credentials',
          status: 'skip',
          summary: ctx.t('credentials.ssh.none'),
        },
      ];
    }
    const keys = await keyFiles(ctx);
    const agent = await agentKeys(ctx);
    const findings: Finding[] = [];
    const haveKey = keys.length > 0 || agent.count > 0;
    findings.push({
      check: ID,
      layer: 'credentials',
      status: haveKey ? 'ok' : 'fail',
      subject: '~/.ssh',
      summary: haveKey
        ? ctx.t('credentials.ssh.keys', {
            keys: keys.length === 0 ? ctx.t('credentials.ssh.keys.none-on-disk') : keys.join(', '),
            agent: agent.summary,
          })
        : ctx.t('credentials.ssh.no-key', { agent: agent.summary }),
      ...(haveKey
        ? {}
        : {
            why: ctx.t('credentials.ssh.no-key.why', {
              urls: [...targets.values()].map((t) => t.url).join(', '),
            }),
            fix: [
              'ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519',
              'ssh-add ~/.ssh/id_ed25519',
              ctx.t('credentials.ssh.no-key.fix'),
            ],
          }),
    });
    for (const t of targets.values()) {
      findings.push(await knownHost(ctx, t));
      if (!ctx.offline) findings.push(await reach(ctx, t));
    }
    return findings;
  },
};

/** user, host and port of `ssh://user@host:port/path` or scp-like `user@host:path`. */
export function sshTarget(url: string): SshTarget | undefined {
  const shown = redactUrl(url);
  if (/^[a-z+]+:\/\//i.test(url)) {
    try {
      const u = new URL(url.replace(/^(git\+ssh|ssh\+git):/i, 'ssh:'));
      return {
        user: decodeURIComponent(u.username) || 'git',
        host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: u.port === '' ? undefined : u.port,
        url: shown,
      };
    } catch {
      return undefined;
    }
  }
  const m = /^(?:([^@/]+)@)?\[?([^:\]/]+)\]?:/.exec(url);
  if (m === null) return undefined;
  return { user: m[1] ?? 'git', host: m[2] ?? '', port: undefined, url: shown };
}

async function keyFiles(ctx: DoctorContext): Promise<string[]> {
  const dir = join(ctx.home, '.ssh');
  const found = DEFAULT_KEYS.filter((k) => existsSync(join(dir, k))).map((k) => `~/.ssh/${k}`);
  const config = await readFile(join(dir, 'config'), 'utf8').catch(() => '');
  for (const m of config.matchAll(/^\s*IdentityFile\s+"?([^"\n]+?)"?\s*$/gim)) {
    const raw = m[1] ?? '';
    const path = raw.startsWith('~/') ? join(ctx.home, raw.slice(2)) : raw;
    const shown = raw.startsWith('~/') ? raw : path;
    if (existsSync(path) && !found.includes(shown)) found.push(shown);
  }
  return found;
}

async function agentKeys(ctx: DoctorContext): Promise<{ count: number; summary: string }> {
  const sock = ctx.env.SSH_AUTH_SOCK;
  if (sock === undefined || sock === '')
    return { count: 0, summary: ctx.t('credentials.ssh.agent.none') };
  const r = await runBounded('ssh-add', ['-l'], {
    env: ctx.env,
    timeoutMs: ctx.probeTimeoutMs,
    signal: ctx.signal,
  });
  if (r.code === 0) {
    const n = r.stdout.split('\n').filter((l) => l.trim() !== '').length;
    return {
      count: n,
      summary: ctx.t(n === 1 ? 'credentials.ssh.agent.one' : 'credentials.ssh.agent.other', { n }),
    };
  }
  if (r.code === 1) return { count: 0, summary: ctx.t('credentials.ssh.agent.empty') };
  return {
    count: 0,
    summary: ctx.t('credentials.ssh.agent.broken', {
      error: (r.stderr || 'ssh-add failed').trim(),
    }),
  };
}

async function knownHost(ctx: DoctorContext, t: SshTarget): Promise<Finding> {
  const name = t.port === undefined || t.port === '22' ? t.host : `[${t.host}]:${t.port}`;
  const file = join(ctx.home, '.ssh', 'known_hosts');
  const r = await runBounded('ssh-keygen', ['-F', name, '-f', file], {
    env: ctx.env,
    timeoutMs: ctx.probeTimeoutMs,
    signal: ctx.signal,
  });
  if (r.code === 0 && r.stdout.trim() !== '') {
    return {
      check: ID,
      layer: 'credentials',
      status: 'ok',
      subject: name,
      summary: ctx.t('credentials.ssh.known'),
    };
  }
  return {
    check: ID,
    layer: 'credentials',
    status: 'fail',
    subject: name,
    summary: ctx.t('credentials.ssh.unknown'),
    why: ctx.t('credentials.ssh.unknown.why'),
    fix: knownHostsFix(t.host, t.port, ctx.t),
    ...(r.startError !== undefined
      ? { details: [ctx.t('credentials.ssh.keygen-failed', { error: r.startError.message })] }
      : {}),
  };
}

async function reach(ctx: DoctorContext, t: SshTarget): Promise<Finding> {
  const args = [
    ...sshBatchOptions(ctx),
    ...(t.port === undefined ? [] : ['-p', t.port]),
    '-T',
    `${t.user}@${t.host}`,
  ];
  const r = await runBounded('ssh', args, {
    env: batchGitEnv(ctx),
    timeoutMs: ctx.probeTimeoutMs + 1000,
    signal: ctx.signal,
  });
  const subject = `${t.user}@${t.host}${t.port === undefined ? '' : `:${t.port}`}`;
  if (r.startError !== undefined) {
    return {
      check: ID,
      layer: 'credentials',
      status: 'fail',
      subject,
      summary: ctx.t('credentials.ssh.no-ssh'),
      why: ctx.t('credentials.ssh.no-ssh.why'),
      fix: ['sudo apt-get install openssh-client'],
    };
  }
  const failure = classifyGitError(r.stderr, `ssh://${subject}/`, r.timedOut, undefined, ctx.t);
  if (
    r.timedOut ||
    ['host-key', 'publickey', 'dns', 'connect'].includes(failure.kind) ||
    r.code === 255
  ) {
    return {
      check: ID,
      layer: 'credentials',
      status: 'fail',
      subject,
      summary: ctx.t('credentials.ssh.failed', { summary: failure.summary }),
      why: failure.why,
      fix: failure.fix,
      details: redactUrl(r.stderr)
        .split('\n')
        .filter((l) => l.trim() !== '')
        .slice(0, 5),
    };
  }
  return {
    check: ID,
    layer: 'credentials',
    status: 'ok',
    subject,
    summary: ctx.t('credentials.ssh.ok'),
    details: redactUrl(r.stderr + r.stdout)
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(0, 3),
  };
}
