import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { canConnect, freePort } from '../../../support/net.js';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yauzl from 'yauzl';
import {
  GitRepoCache,
  type GitRepoCacheOptions,
} from '../../../../src/upstream/direct/git/index.js';

/** Content of a file in a commit: text/bytes, or a symlink. */
export type FileSpec = string | Buffer | { symlink: string };

export interface ZipEntryInfo {
  name: string;
  data: Buffer;
  /** Unix mode from the external attributes (0o120000 bits for symlinks). */
  mode: number;
}

/** git configuration for a server's upload-pack that allows partial-clone filters. */
export const PARTIAL_CLONE_SERVER: Record<string, string> = {
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'uploadpack.allowFilter',
  GIT_CONFIG_VALUE_0: 'true',
};

/**
 * Real git repositories for the git CodeHost tests: a temporary root with repositories under
 * `srv/` served by `git daemon` on 127.0.0.1, a HOME without any git configuration, fixed
 * author and committer identities, and every commit at a date the test chooses.
 */
export class GitFixture {
  readonly srv: string;
  readonly home: string;
  private daemon: ChildProcess | undefined;
  private port = 0;
  private caches: GitRepoCache[] = [];
  private servers: Server[] = [];
  private counter = 0;

  private constructor(
    readonly root: string,
    /** Whether the daemon serves partial clones (filters); default true. */
    private readonly partialClone: boolean,
  ) {
    this.srv = join(root, 'srv');
    this.home = join(root, 'home');
  }

  static async create(options: { partialClone?: boolean } = {}): Promise<GitFixture> {
    const root = await mkdtemp(join(tmpdir(), 'modgate-git-'));
    const f = new GitFixture(root, options.partialClone ?? true);
    await mkdir(f.srv);
    await mkdir(f.home);
    return f;
  }

  /** The environment for every git command of the test and of the code under test. */
  get env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.home,
      XDG_CONFIG_HOME: join(this.home, '.config'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Test Author',
      GIT_AUTHOR_EMAIL: 'author@example.com',
      GIT_COMMITTER_NAME: 'Test Committer',
      GIT_COMMITTER_EMAIL: 'committer@example.com',
    };
  }

  /** Runs git; resolves with stdout (trimmed), rejects with stderr. */
  git(
    cwd: string,
    args: string[],
    env: Record<string, string> = {},
    input?: Buffer,
  ): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, {
        cwd,
        env: { ...this.env, ...env },
        stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      if (input) child.stdin?.end(input);
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(out.trim()) : reject(new Error(`git ${args.join(' ')}: ${err}`)),
      );
    });
  }

  /** A new repository (with a work tree) at `srv/<name>`; its branch is `main`. */
  async newRepo(name: string): Promise<string> {
    const dir = join(this.srv, name);
    await mkdir(dir, { recursive: true });
    await this.git(dir, ['init', '-q', '-b', 'main']);
    await this.git(dir, ['config', 'core.autocrlf', 'false']);
    return dir;
  }

  /** Writes files (null deletes), commits everything at `date` (ISO); returns the hash. */
  async commit(
    repo: string,
    files: Record<string, FileSpec | null>,
    message: string,
    date: string,
    authorDate = '2001-02-03T04:05:06Z',
  ): Promise<string> {
    for (const [name, spec] of Object.entries(files)) {
      const p = join(repo, name);
      await rm(p, { force: true, recursive: true });
      if (spec === null) continue;
      await mkdir(dirname(p), { recursive: true });
      if (typeof spec === 'object' && !Buffer.isBuffer(spec)) await symlink(spec.symlink, p);
      else await writeFile(p, spec);
    }
    await this.git(repo, ['add', '-A']);
    await this.git(repo, ['commit', '-q', '--allow-empty', '-m', message], {
      GIT_AUTHOR_DATE: authorDate,
      GIT_COMMITTER_DATE: date,
    });
    return this.git(repo, ['rev-parse', 'HEAD']);
  }

  /** An annotated tag (tagger date `date`). */
  async annotatedTag(repo: string, name: string, rev: string, date: string): Promise<void> {
    await this.git(repo, ['tag', '-a', '-m', `tag ${name}`, name, rev], {
      GIT_COMMITTER_DATE: date,
    });
  }

  /** Starts `git daemon` over `srv/` (once); returns the port. */
  async startDaemon(): Promise<number> {
    if (this.daemon) return this.port;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const child = spawn(
        'git',
        [
          'daemon',
          '--export-all',
          `--base-path=${this.srv}`,
          '--reuseaddr',
          '--listen=127.0.0.1',
          `--port=${port}`,
          this.srv,
        ],
        {
          // Served as a partial-clone capable server (protocol v2 with filters), so the
          // suites run modgate's partial clone (git-fetcher.ts).
          env: { ...this.env, ...(this.partialClone ? PARTIAL_CLONE_SERVER : {}) },
          detached: true,
          stdio: 'ignore',
        },
      );
      let exited = false;
      child.once('exit', () => (exited = true));
      for (let i = 0; i < 100 && !exited; i++) {
        if (await canConnect(port)) {
          this.daemon = child;
          this.port = port;
          return port;
        }
        await sleep(30);
      }
      killGroup(child);
    }
    throw new Error('git daemon did not start');
  }

  /** `git://127.0.0.1:<port>/<name>` (starts the daemon). */
  async url(name: string): Promise<string> {
    return `git://127.0.0.1:${await this.startDaemon()}/${name}`;
  }

  /** A fresh cache (own directory) with this fixture's environment. */
  cache(options: Partial<GitRepoCacheOptions> = {}): GitRepoCache {
    const c = new GitRepoCache({
      dir: join(this.root, `cache-${++this.counter}`),
      env: this.env,
      ...options,
    });
    this.caches.push(c);
    return c;
  }

  /** Registers a server to close at the end. */
  track(server: Server): void {
    this.servers.push(server);
  }

  async close(): Promise<void> {
    for (const c of this.caches) c.close();
    if (this.daemon) killGroup(this.daemon);
    for (const s of this.servers) {
      s.close();
      if ('closeAllConnections' in s) (s as { closeAllConnections(): void }).closeAllConnections();
    }
    await rm(this.root, { recursive: true, force: true });
  }
}

export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Every entry of a zip held in memory. */
export function readZip(buf: Buffer): Promise<ZipEntryInfo[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out: ZipEntryInfo[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
        if (entry.fileName.endsWith('/')) {
          out.push({ name: entry.fileName, data: Buffer.alloc(0), mode });
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (e2, stream) => {
          if (e2) return reject(e2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.push({ name: entry.fileName, data: Buffer.concat(chunks), mode });
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.readEntry();
    });
  });
}

/** Collects a stream into one buffer. */
export async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}
