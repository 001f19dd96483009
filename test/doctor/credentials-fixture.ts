import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitFixture } from '../upstream/direct/git/git-fixture.js';
import { HttpGitServer } from '../upstream/direct/git/http-git-server.js';

/** The private module every credentials and end-to-end test fetches. */
export const PRIVATE_MODULE = 'example.invalid/locked.git';

/**
 * A private git host for the doctor's credential and end-to-end tests: one repository holding
 * module example.invalid/locked.git (tag v1.0.0), served by `git http-backend` on 127.0.0.1
 * with Basic auth (the suite's HttpGitServer). The go command reaches it with GOPROXY=direct
 * rules (GOPRIVATE=example.invalid) through the machine's git config: insteadOf rewrites
 * https://example.invalid/ (the URL the go command pings first) and git://example.invalid/
 * (the one it falls back to when every ping fails) to the server, so a missing credential
 * shows as git's own "terminal prompts disabled", as on a real private https host.
 */
export class PrivateGitHost {
  private constructor(
    readonly git: GitFixture,
    readonly server: HttpGitServer,
    readonly user: string,
    readonly password: string,
  ) {}

  static async start(password = 'doctor-test-s3cret-token'): Promise<PrivateGitHost> {
    const git = await GitFixture.create();
    const repo = await git.newRepo('locked.git');
    await git.commit(
      repo,
      { 'go.mod': `module ${PRIVATE_MODULE}\n\ngo 1.16\n`, 'l.go': 'package locked\n' },
      'one',
      '2024-03-01T10:00:00Z',
    );
    await git.git(repo, ['tag', 'v1.0.0']);
    const server = await HttpGitServer.start({
      root: git.srv,
      env: git.env,
      auth: { username: 'bot', password },
    });
    return new PrivateGitHost(git, server, 'bot', password);
  }

  get base(): string {
    return `http://127.0.0.1:${this.server.port}/`;
  }

  /** ~/.gitconfig in `home` sending the module's nominal URLs to `base` (default: this server). */
  async writeGitConfig(home: string, base = this.base): Promise<void> {
    await writeFile(
      join(home, '.gitconfig'),
      `[url "${base}"]\n\tinsteadOf = https://example.invalid/\n\tinsteadOf = git://example.invalid/\n`,
    );
  }

  async close(): Promise<void> {
    this.server.close();
    await this.git.close();
  }
}

/** A go.mod requiring the private module (and nothing else). */
export function privateGoMod(name = 'example.com/app'): Record<string, string> {
  return { 'go.mod': `module ${name}\n\ngo 1.19\n\nrequire ${PRIVATE_MODULE} v1.0.0\n` };
}

/**
 * Applies a printed fix as a developer would: every line that is not a comment runs in `sh`
 * with `env` (so ~ is the test's HOME), placeholders replaced by `values` (e.g. `<token>`).
 */
export async function applyFix(
  fix: readonly string[] | undefined,
  env: Record<string, string | undefined>,
  values: Record<string, string> = {},
): Promise<void> {
  for (const raw of fix ?? []) {
    const line = raw.replace(/\s+#.*$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    let cmd = line;
    for (const [k, v] of Object.entries(values)) cmd = cmd.split(k).join(v);
    await new Promise<void>((resolve, reject) => {
      const child = spawn('sh', ['-c', cmd], {
        env: clean(env),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd}: ${err}`))));
    });
  }
}

function clean(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
