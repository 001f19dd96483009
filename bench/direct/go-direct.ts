import { chmod, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  parseJsonStream,
  type GoDownload,
} from '../../test/upstream/direct/conformance-support.js';
import { runCommand } from '../run-command.js';
import type { BenchTarget } from './bench-repos.js';

export type { GoDownload };

/** One object of `go mod download -json` output. */
/**
 * The go command in `GOPROXY=direct` mode, reaching the benchmark's git daemon the way the
 * conformance suite does: module paths carry the `.git` qualifier (no go-get lookup),
 * `GIT_ALLOW_PROTOCOL=git` lets cmd/go use git://, and a private git config rewrites
 * `git://example.com/` to the daemon. No checksum database (GOSUMDB=off, GOPRIVATE=*), a
 * writable module cache (-modcacherw) so it can be deleted, and each run gets a fresh
 * GOMODCACHE; the build cache and GOPATH are kept (they hold nothing module-related).
 */
export class GoDirect {
  private runs = 0;

  constructor(
    private readonly root: string,
    private readonly daemonPort: number,
    /** Added to the go command's environment (e.g. GIT_TRACE2_EVENT to count git processes). */
    private readonly extraEnv: NodeJS.ProcessEnv = {},
  ) {}

  async setUp(): Promise<void> {
    for (const d of ['home', 'gopath', 'gocache', 'work']) {
      await mkdir(join(this.root, d), { recursive: true });
    }
    await writeFile(
      join(this.root, 'gitconfig'),
      `[url "git://127.0.0.1:${this.daemonPort}/"]\n\tinsteadOf = git://example.com/\n`,
    );
    await writeFile(join(this.root, 'work', 'go.mod'), 'module example.com/benchmain\n\ngo 1.19\n');
  }

  env(modCache: string, proxy: string): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: join(this.root, 'home'),
      GOPATH: join(this.root, 'gopath'),
      GOCACHE: join(this.root, 'gocache'),
      GOMODCACHE: modCache,
      GOPROXY: proxy,
      GOPRIVATE: proxy === 'direct' ? '*' : '',
      GONOSUMDB: '*',
      GOSUMDB: 'off',
      GOFLAGS: '-modcacherw',
      GO111MODULE: 'on',
      GOTOOLCHAIN: 'local',
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_GLOBAL: join(this.root, 'gitconfig'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_ALLOW_PROTOCOL: 'git',
      ...this.extraEnv,
    };
  }

  /**
   * `go mod download -json <targets>` against `proxy` (`direct` or a modgate URL) with a fresh
   * module cache; returns the wall time and the go command's answers (by `path@query`).
   */
  async download(
    targets: readonly BenchTarget[],
    proxy: string,
  ): Promise<{ ms: number; results: Map<string, GoDownload> }> {
    const modCache = join(this.root, `modcache-${++this.runs}`);
    await mkdir(modCache);
    try {
      const args = ['mod', 'download', '-json', ...targets.map((t) => `${t.path}@${t.query}`)];
      const start = performance.now();
      const out = await this.go(args, this.env(modCache, proxy));
      const ms = performance.now() - start;
      const results = new Map<string, GoDownload>();
      for (const d of parseJsonStream<GoDownload>(out.stdout)) {
        results.set(`${d.Path}@${d.Query ?? d.Version}`, d);
      }
      return { ms, results };
    } finally {
      await removeTree(modCache);
    }
  }

  /** `go list -m -versions` of every module (untimed: a correctness check of the lists). */
  async versions(modules: readonly string[], proxy: string): Promise<Map<string, string[]>> {
    const modCache = join(this.root, `modcache-${++this.runs}`);
    await mkdir(modCache);
    try {
      const out = await this.go(
        ['list', '-m', '-versions', '-retracted', '-json', ...modules.map((m) => `${m}@latest`)],
        this.env(modCache, proxy),
      );
      const lists = new Map<string, string[]>();
      for (const m of parseJsonStream<{ Path: string; Versions?: string[] }>(out.stdout)) {
        lists.set(m.Path, [...(m.Versions ?? [])].sort());
      }
      return lists;
    } finally {
      await removeTree(modCache);
    }
  }

  private go(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string }> {
    return runCommand(['go', ...args], { cwd: join(this.root, 'work'), env });
  }
}

/** rm -rf that also works on a module cache someone made read-only. */
export async function removeTree(dir: string): Promise<void> {
  const walk = async (d: string): Promise<void> => {
    const st = await stat(d).catch(() => null);
    if (!st?.isDirectory()) return;
    await chmod(d, 0o755).catch(() => undefined);
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
    }
  };
  await rm(dir, { recursive: true, force: true }).catch(async () => {
    await walk(dir);
    await rm(dir, { recursive: true, force: true });
  });
}
