import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GoResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A throw-away environment for the real `go` command: its own GOPATH, module cache, build
 * cache and HOME, no checksum database, no network beyond the GOPROXY given. The go command
 * is the oracle for protocol behaviour in the end-to-end tests.
 */
export class GoSandbox {
  private constructor(readonly root: string) {}

  static async create(): Promise<GoSandbox> {
    const root = await mkdtemp(join(tmpdir(), 'modgate-go-'));
    for (const d of ['home', 'gopath', 'modcache', 'gocache', 'work']) await mkdir(join(root, d));
    return new GoSandbox(root);
  }

  get modCache(): string {
    return join(this.root, 'modcache');
  }

  /** A fresh main module directory with a go.mod. */
  async newModule(name: string, goMod = `module ${name}\n\ngo 1.19\n`): Promise<string> {
    const dir = join(this.root, 'work', name.replace(/[^A-Za-z0-9]/g, '_'));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'go.mod'), goMod);
    return dir;
  }

  env(proxy: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: join(this.root, 'home'),
      GOPATH: join(this.root, 'gopath'),
      GOMODCACHE: this.modCache,
      GOCACHE: join(this.root, 'gocache'),
      GOPROXY: proxy,
      GOSUMDB: 'off',
      GOFLAGS: '-modcacherw',
      GO111MODULE: 'on',
      GOTOOLCHAIN: 'local',
      GIT_TERMINAL_PROMPT: '0',
      ...extra,
    };
  }

  run(
    args: string[],
    opts: { proxy: string; cwd?: string; env?: Record<string, string> },
  ): Promise<GoResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('go', args, {
        cwd: opts.cwd ?? join(this.root, 'work'),
        env: this.env(opts.proxy, opts.env),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  /** Empties the module cache (so the next download goes to the proxy again). */
  async clearModCache(): Promise<void> {
    await makeWritable(this.modCache);
    await rm(this.modCache, { recursive: true, force: true });
    await mkdir(this.modCache);
  }

  async cleanup(): Promise<void> {
    await makeWritable(this.root);
    await rm(this.root, { recursive: true, force: true });
  }
}

async function makeWritable(dir: string): Promise<void> {
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) return;
  await chmod(dir, 0o755).catch(() => undefined);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
  }
}
