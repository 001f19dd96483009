import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Check } from '../../src/doctor/check.js';
import type { DoctorContext } from '../../src/doctor/doctor-context.js';
import type { Finding } from '../../src/doctor/finding.js';
import { gatherContext } from '../../src/doctor/gather-context.js';
import { runBounded, type BoundedResult } from '../../src/doctor/run-bounded.js';

/**
 * A throw-away machine for doctor tests: its own HOME, GOENV file, GOPATH, module and build
 * caches and TMPDIR under one temp directory, and an environment built from scratch (PATH
 * plus these), so neither the real user's go settings nor the test runner's GO* variables
 * leak in. `context()` gathers the facts the way `modgate doctor` does, with the real go
 * command.
 */
export class DoctorSandbox {
  private constructor(readonly root: string) {}

  static async create(): Promise<DoctorSandbox> {
    const root = await mkdtemp(join(tmpdir(), 'modgate-doctor-'));
    for (const d of ['home', 'gopath', 'modcache', 'gocache', 'work', 'tmp']) {
      await mkdir(join(root, d));
    }
    return new DoctorSandbox(root);
  }

  get goenvFile(): string {
    return join(this.root, 'home', 'goenv');
  }

  /** The machine's environment: a healthy default, with `extra` on top (undefined removes). */
  env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: join(this.root, 'home'),
      GOENV: this.goenvFile,
      GOPATH: join(this.root, 'gopath'),
      GOMODCACHE: join(this.root, 'modcache'),
      GOCACHE: join(this.root, 'gocache'),
      TMPDIR: join(this.root, 'tmp'),
      GOTOOLCHAIN: 'local',
      GIT_TERMINAL_PROMPT: '0',
      ...extra,
    };
    return env;
  }

  /** A module cache of its own, for a test whose go command must download (not find) modules. */
  async freshModCache(name: string): Promise<string> {
    const dir = join(this.root, `modcache-${name}`);
    await mkdir(dir);
    return dir;
  }

  /** Writes `files` (relative paths) under work/<name> and returns that directory. */
  async module(name: string, files: Record<string, string>): Promise<string> {
    const dir = join(this.root, 'work', name);
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await writeFile(join(dir, rel), text);
    }
    await mkdir(dir, { recursive: true });
    return dir;
  }

  context(
    dir: string,
    env: Record<string, string | undefined>,
    options: { server?: string; offline?: boolean; probeTimeoutMs?: number } = {},
  ): Promise<DoctorContext> {
    return gatherContext({
      dir,
      env,
      probeTimeoutMs: options.probeTimeoutMs ?? 10_000,
      offline: options.offline ?? false,
      ...(options.server === undefined ? {} : { server: options.server }),
      signal: AbortSignal.timeout(60_000),
    });
  }

  /** The real go command in `dir` with `env`. */
  go(args: string[], dir: string, env: Record<string, string | undefined>): Promise<BoundedResult> {
    return runBounded('go', args, { cwd: dir, env, timeoutMs: 60_000 });
  }

  async cleanup(): Promise<void> {
    try {
      execFileSync('chattr', ['-R', '-i', this.root], { stdio: 'ignore' });
    } catch {
      // not needed, or not available
    }
    try {
      execFileSync('chmod', ['-R', 'u+w', this.root], { stdio: 'ignore' });
    } catch {
      // best effort
    }
    await rm(this.root, { recursive: true, force: true });
  }
}

/** Runs one check and returns its findings for `subject` (all when undefined). */
export async function findingsOf(
  check: Check,
  ctx: DoctorContext,
  subject?: string,
): Promise<Finding[]> {
  const all = await check.run(ctx);
  return subject === undefined ? all : all.filter((f) => f.subject === subject);
}

/** The single finding for `subject`, failing the test when there is not exactly one. */
export async function oneFinding(
  check: Check,
  ctx: DoctorContext,
  subject?: string,
): Promise<Finding> {
  const found = await findingsOf(check, ctx, subject);
  if (found.length !== 1) {
    throw new Error(
      `expected one finding of ${check.id} for ${subject ?? '*'}, got ${JSON.stringify(found)}`,
    );
  }
  return found[0]!;
}
