import type { DoctorContext } from '../../doctor-context.js';
import { runBounded } from '../../run-bounded.js';

/** One `key=value` of git's configuration, with where it was set. */
export interface GitConfigEntry {
  /** As git prints it: section and variable lower-cased, subsection as written (`url.ssh://git@h/.insteadof`). */
  key: string;
  value: string;
  /** `file:/home/me/.gitconfig`, `command line:` (GIT_CONFIG_COUNT …). */
  origin: string;
}

/** A `url.<base>.insteadOf` (or pushInsteadOf) rule: URLs starting with `prefix` become `base` + rest. */
export interface UrlRewrite {
  base: string;
  prefix: string;
  push: boolean;
  origin: string;
}

export interface GitConfig {
  /** `git --version`'s version, undefined when git could not be run. */
  version: string | undefined;
  /** Why git could not be run (not installed, timed out). */
  problem?: string;
  entries: GitConfigEntry[];
  rewrites: UrlRewrite[];
}

const cache = new WeakMap<DoctorContext, Promise<GitConfig>>();

/**
 * git's configuration as the go command's git sees it: system, global and environment
 * (GIT_CONFIG_*) scopes, read outside any repository (the go command runs git in its module
 * cache, so a project's .git/config does not apply). Read once per doctor run.
 */
export function readGitConfig(ctx: DoctorContext): Promise<GitConfig> {
  let p = cache.get(ctx);
  if (p === undefined) {
    p = load(ctx);
    cache.set(ctx, p);
  }
  return p;
}

async function load(ctx: DoctorContext): Promise<GitConfig> {
  const opts = { env: ctx.env, cwd: '/', timeoutMs: ctx.probeTimeoutMs, signal: ctx.signal };
  const v = await runBounded('git', ['--version'], opts);
  if (v.startError !== undefined || v.code !== 0) {
    const problem =
      v.startError?.code === 'ENOENT'
        ? ctx.t('credentials.git.not-installed')
        : v.timedOut
          ? ctx.t('credentials.git.version-timeout', { ms: ctx.probeTimeoutMs })
          : ctx.t('credentials.git.version-failed', {
              error: (v.startError?.message ?? v.stderr).trim(),
            });
    return { version: undefined, problem, entries: [], rewrites: [] };
  }
  const version = /git version (\S+)/.exec(v.stdout)?.[1] ?? v.stdout.trim();
  const list = await runBounded('git', ['config', '--list', '--show-origin', '-z'], opts);
  const entries = list.code === 0 ? parseConfigList(list.stdout) : [];
  return { version, entries, rewrites: rewritesOf(entries) };
}

/** Parses `git config --list --show-origin -z`: `origin NUL key LF value NUL` per entry. */
export function parseConfigList(text: string): GitConfigEntry[] {
  const parts = text.split('\0');
  const out: GitConfigEntry[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const origin = parts[i] ?? '';
    const kv = parts[i + 1] ?? '';
    const nl = kv.indexOf('\n');
    out.push({
      origin,
      key: nl < 0 ? kv : kv.slice(0, nl),
      value: nl < 0 ? 'true' : kv.slice(nl + 1),
    });
  }
  return out;
}

function rewritesOf(entries: GitConfigEntry[]): UrlRewrite[] {
  const out: UrlRewrite[] = [];
  for (const e of entries) {
    const m = /^url\.(.*)\.(insteadof|pushinsteadof)$/.exec(e.key);
    if (m === null) continue;
    out.push({
      base: m[1] ?? '',
      prefix: e.value,
      push: m[2] === 'pushinsteadof',
      origin: e.origin,
    });
  }
  return out;
}

/**
 * The URL git fetches from for `url`: the longest matching insteadOf prefix replaced by its
 * base, as git's remote.c does (pushInsteadOf only applies to pushes, never to a fetch or
 * ls-remote). Returns the rule used, if any.
 */
export function rewriteFetchUrl(
  url: string,
  rewrites: readonly UrlRewrite[],
): { url: string; rule?: UrlRewrite } {
  let best: UrlRewrite | undefined;
  for (const r of rewrites) {
    if (r.push || r.prefix === '' || !url.startsWith(r.prefix)) continue;
    if (best === undefined || r.prefix.length > best.prefix.length) best = r;
  }
  if (best === undefined) return { url };
  return { url: best.base + url.slice(best.prefix.length), rule: best };
}

/** The origin shown to a user: `~/.gitconfig` rather than `file:/home/me/.gitconfig`. */
export function shownOrigin(origin: string, home: string): string {
  const file = origin.startsWith('file:') ? origin.slice(5) : origin;
  return home !== '' && file.startsWith(home + '/') ? '~' + file.slice(home.length) : file;
}
