import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  credentialConfig,
  lookupConfig,
  scrubSecrets,
  type CredentialLookup,
  type GitConfigEntry,
  type GitCredential,
} from './git-credentials.js';
import { gitEnvironment } from './git-environment.js';
import { GitCommandError, GitProcess, runGit, type GitOutput } from './git-process.js';
import { Semaphore } from '../../../async/index.js';
import type { SshIdentities, SshSetup } from './ssh-identities.js';
import { redactUrl } from '../../../protocol/redact-url.js';

/** What a git command is, for limits and timeouts. */
export type GitCommandClass = 'ls-remote' | 'fetch' | 'local' | 'archive';

/** Reported after every git command (metrics, logs, tests). Never holds credentials. */
export interface GitCommandEvent {
  args: readonly string[];
  class: GitCommandClass;
  host?: string;
  /** Undefined on success. */
  failure?: string;
  exitCode: number | null;
  durationMs: number;
  startedAt: number;
}

export interface GitRunnerOptions {
  /** Working directory for commands outside a repository (created on first use). */
  dir: string;
  /** The environment git inherits; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  credentials?: readonly GitCredential[];
  /**
   * Credentials looked up per remote by host name (any port), used for HTTP(S) remotes that
   * `credentials` do not cover — e.g. the discovery layer's CredentialSource.
   */
  credentialLookup?: CredentialLookup;
  sshCommand?: string;
  /**
   * ssh keys the server holds, per host: a network command against an ssh remote whose host
   * has one runs with modgate's ssh command (key, known_hosts, host key checking) instead of
   * the user's ssh set-up.
   */
  ssh?: SshIdentities;
  allowedProtocols?: readonly string[];
  /**
   * ssh's ConnectTimeout (seconds) in the default GIT_SSH_COMMAND, for ssh remotes without a
   * configured key (those use `ssh`'s own setting). Default 15.
   */
  sshConnectTimeoutSeconds?: number;
  /** Network commands (ls-remote, fetch) at once, over all hosts. Default 8. */
  maxConcurrent?: number;
  /** Network commands at once per host. Default 4. */
  maxPerHost?: number;
  /** Local commands (log, cat-file, archive, ...) at once. Default 16. */
  maxLocal?: number;
  timeouts?: Partial<Record<GitCommandClass, number>>;
  observer?: (event: GitCommandEvent) => void;
}

const DEFAULT_TIMEOUTS: Record<GitCommandClass, number> = {
  'ls-remote': 60_000,
  fetch: 10 * 60_000,
  local: 60_000,
  archive: 10 * 60_000,
};

interface GitSetup {
  env: NodeJS.ProcessEnv;
  /** Every configured secret, for scrubbing. */
  secrets: string[];
  /** The credential config entries in `env`. */
  entries: GitConfigEntry[];
}

export interface GitRunOptions {
  class: GitCommandClass;
  /** Run inside this bare repository (GIT_DIR); else in the runner's directory. */
  gitDir?: string;
  /** The remote host, for network commands (per-host limit). */
  host?: string;
  /** The remote URL of a network command (for `credentialLookup`). */
  url?: string;
  signal?: AbortSignal;
  maxStdout?: number;
  /** Extra environment for this command. */
  env?: Record<string, string>;
}

/**
 * Runs git for the code-host layer: one environment (credentials, no prompts), concurrency
 * limits (network commands overall and per host, local commands), a timeout per class of
 * command after which the whole process group dies, and scrubbing of credentials from
 * everything git prints. `close()` kills whatever is still running.
 */
export class GitRunner {
  private readonly network: Semaphore;
  private readonly local: Semaphore;
  private readonly perHost = new Map<string, Semaphore>();
  private readonly timeouts: Record<GitCommandClass, number>;
  private readonly live = new Set<GitProcess>();
  private setup: Promise<GitSetup> | undefined;
  private closed = false;

  constructor(private readonly options: GitRunnerOptions) {
    this.network = new Semaphore(options.maxConcurrent ?? 8);
    this.local = new Semaphore(options.maxLocal ?? 16);
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  }

  get dir(): string {
    return this.options.dir;
  }

  /** Runs a command to completion (stdout collected); throws GitCommandError. */
  async run(args: readonly string[], opts: GitRunOptions): Promise<GitOutput> {
    const { processOptions, release, ssh } = await this.prepare(opts);
    try {
      return await runGit(args, { ...processOptions, maxStdout: opts.maxStdout }, (p) =>
        this.track(p, opts),
      );
    } catch (err) {
      if (err instanceof GitCommandError && ssh !== undefined) err.knownHosts = ssh.knownHosts;
      throw err;
    } finally {
      release();
    }
  }

  /**
   * Starts a command whose stdout the caller streams. The concurrency slot is held until the
   * process has exited.
   */
  async start(args: readonly string[], opts: GitRunOptions): Promise<GitProcess> {
    const { processOptions, release } = await this.prepare(opts);
    try {
      const proc = new GitProcess(args, processOptions);
      this.track(proc, opts);
      void proc.exited.then(release);
      return proc;
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * Starts a long-lived helper process (`git cat-file --batch`) with a stdin pipe. It takes no
   * concurrency slot (it runs as long as its owner keeps it) and has no timeout of its own: its
   * owner bounds each request and kills it when idle. `close()` kills it too.
   */
  async startService(args: readonly string[], opts: { gitDir: string }): Promise<GitProcess> {
    const { processOptions, release } = await this.prepare(
      { class: 'local', gitDir: opts.gitDir },
      false,
    );
    release();
    const proc = new GitProcess(args, {
      ...processOptions,
      timeoutMs: 2 ** 31 - 1,
      stdin: true,
    });
    this.track(proc, { class: 'local', gitDir: opts.gitDir });
    return proc;
  }

  /** Kills every running git process; later commands fail. */
  close(): void {
    this.closed = true;
    for (const p of this.live) p.kill('aborted');
  }

  private async prepare(
    opts: GitRunOptions,
    limited = true,
  ): Promise<{
    processOptions: ConstructorParameters<typeof GitProcess>[1];
    release: () => void;
    ssh: SshSetup | undefined;
  }> {
    if (this.closed) throw new Error('git runner closed');
    const { env, secrets: configured, entries } = await this.environment();
    const releases: Array<() => void> = [];
    const release = (): void => {
      for (const r of releases.reverse()) r();
    };
    try {
      if (!limited) {
        // a service process: no slot
      } else if (opts.class === 'ls-remote' || opts.class === 'fetch') {
        const host = opts.host ?? '';
        let sem = this.perHost.get(host);
        if (sem === undefined) {
          sem = new Semaphore(this.options.maxPerHost ?? 4);
          this.perHost.set(host, sem);
        }
        releases.push(await sem.acquire(opts.signal));
        releases.push(await this.network.acquire(opts.signal));
      } else {
        releases.push(await this.local.acquire(opts.signal));
      }
    } catch (err) {
      release();
      throw err;
    }
    let commandEnv: NodeJS.ProcessEnv = { ...env, ...opts.env };
    let secrets = configured;
    if (opts.url !== undefined && this.options.credentialLookup !== undefined) {
      const extra = lookupConfig(opts.url, this.options.credentialLookup, entries);
      if (extra.entries.length > 0) {
        commandEnv = gitEnvironment(commandEnv, { config: extra.entries });
        secrets = [...configured, ...extra.secrets];
      }
    }
    // The server's key for this remote's host replaces the user's ssh set-up, for this
    // command only (GIT_SSH_COMMAND also overrides core.sshCommand; the variant is pinned
    // because the command is OpenSSH's whatever GIT_SSH_VARIANT / ssh.variant say).
    const ssh = opts.url !== undefined ? this.options.ssh?.forUrl(opts.url) : undefined;
    if (ssh !== undefined) {
      commandEnv.GIT_SSH_COMMAND = ssh.command;
      commandEnv.GIT_SSH_VARIANT = 'ssh';
      delete commandEnv.GIT_SSH;
    }
    if (opts.class === 'local' || opts.class === 'archive') keepOffline(commandEnv);
    if (opts.gitDir !== undefined) commandEnv.GIT_DIR = opts.gitDir;
    // Outside a repository, never discover one above our directory.
    else commandEnv.GIT_CEILING_DIRECTORIES = dirname(this.options.dir);
    return {
      processOptions: {
        cwd: opts.gitDir ?? this.options.dir,
        env: commandEnv,
        timeoutMs: this.timeouts[opts.class],
        signal: opts.signal,
        scrub: (text) => redactUrl(scrubSecrets(text, secrets)),
      },
      release,
      ssh,
    };
  }

  private track(proc: GitProcess, opts: GitRunOptions): void {
    this.live.add(proc);
    void proc.exited.then((exit) => {
      this.live.delete(proc);
      this.options.observer?.({
        args: proc.args,
        class: opts.class,
        ...(opts.host !== undefined ? { host: opts.host } : {}),
        ...(exit.failure !== undefined ? { failure: exit.failure } : {}),
        exitCode: exit.exitCode,
        durationMs: exit.durationMs,
        startedAt: exit.startedAt,
      });
    });
  }

  /** Whether the user's git configuration (system, global) sets `key`. */
  private async configured(key: string, env: NodeJS.ProcessEnv): Promise<boolean> {
    try {
      await runGit(['config', '--get', key], {
        cwd: this.options.dir,
        env: { ...env, GIT_CEILING_DIRECTORIES: dirname(this.options.dir) },
        timeoutMs: this.timeouts.local,
      });
      return true;
    } catch {
      return false; // exit status 1: not set
    }
  }

  /**
   * The environment and the secrets to scrub, computed once. (A .netrc reaches git through
   * `credentialLookup`: discovery/credentials.ts holds the one .netrc parser.)
   */
  private environment(): Promise<GitSetup> {
    this.setup ??= (async () => {
      await mkdir(this.options.dir, { recursive: true });
      const credentials = [...(this.options.credentials ?? [])];
      const { entries, secrets } = credentialConfig(credentials);
      const base = this.options.env ?? process.env;
      const options = {
        config: entries,
        ...(this.options.sshCommand !== undefined ? { sshCommand: this.options.sshCommand } : {}),
        ...(this.options.allowedProtocols !== undefined
          ? { allowedProtocols: this.options.allowedProtocols }
          : {}),
        ...(this.options.sshConnectTimeoutSeconds !== undefined
          ? { sshConnectTimeoutSeconds: this.options.sshConnectTimeoutSeconds }
          : {}),
      };
      const userSshCommandConfigured =
        this.options.sshCommand === undefined &&
        !base.GIT_SSH &&
        !base.GIT_SSH_COMMAND &&
        (await this.configured('core.sshCommand', gitEnvironment(base, options)));
      const env = gitEnvironment(base, { ...options, userSshCommandConfigured });
      return { env, secrets, entries };
    })();
    const setup = this.setup;
    // A failed set-up is retried next time.
    setup.catch(() => {
      if (this.setup === setup) this.setup = undefined;
    });
    return setup;
  }
}

/**
 * Local commands never fetch on their own. In a partial clone (git-fetcher.ts) git fetches a
 * missing object from the promisor remote whenever a command needs it — `git log <hash>` of
 * an unknown commit would fetch it, pull-request commits included, and a blob read would cost
 * a fetch per object. modgate's repositories never name a promisor remote in their config (only
 * their fetches are told, GitFetcher.fetch), so to a local command a missing object is just
 * missing; GIT_NO_LAZY_FETCH says the same to gits that know it (2.44+). What is fetched is
 * decided by the fetch policy alone, and blobs are fetched in batches before they are read
 * (GitBlobs).
 */
function keepOffline(env: NodeJS.ProcessEnv): void {
  env.GIT_NO_LAZY_FETCH = '1';
}
