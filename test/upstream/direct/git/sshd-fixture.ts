import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { canConnect, freePort } from '../../../support/net.js';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';

/**
 * A real OpenSSH server on 127.0.0.1 for the direct-over-ssh tests, run as the current user
 * from a temporary directory: its own host key, an authorized_keys file holding the client
 * keys the test creates, public-key authentication only, no PAM. `git-upload-pack` is
 * whatever the user's PATH has, so ssh://<user>@127.0.0.1:<port>/<abs path> reaches any
 * repository on the disk.
 *
 * `SshdFixture.unavailable()` says why no sshd can run here (undefined when one can), for a
 * test to skip with that message: sshd missing (`node scripts/setup.mjs --test` installs
 * openssh-server), or /run/sshd (its privilege-separation directory) missing and not
 * creatable.
 */
export class SshdFixture {
  private proc: ChildProcess | undefined;
  private stderr = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly user: string,
  ) {}

  static unavailable(): string | undefined {
    if (!existsSync(SSHD)) {
      return `${SSHD} is not installed (node scripts/setup.mjs --test installs openssh-server)`;
    }
    if (!existsSync('/run/sshd')) {
      const r = spawnSync('mkdir', ['-p', '-m', '0755', '/run/sshd']);
      if (r.status !== 0) return 'sshd needs /run/sshd, which cannot be created (not root?)';
    }
    return undefined;
  }

  static async start(): Promise<SshdFixture> {
    const dir = await mkdtemp(join(tmpdir(), 'modgate-sshd-'));
    const port = await freePort();
    const f = new SshdFixture(dir, port, userInfo().username);
    await keygen(join(dir, 'host_ed25519'));
    await writeFile(join(dir, 'authorized_keys'), '', { mode: 0o600 });
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_ed25519')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'PrintMotd no',
      'LogLevel VERBOSE',
      // git-upload-pack from the user's PATH, whatever the login shell's profile says.
      `SetEnv PATH=${process.env.PATH ?? '/usr/bin:/bin'}`,
      '',
    ].join('\n');
    await writeFile(join(dir, 'sshd_config'), config);
    await f.run();
    return f;
  }

  /** `[127.0.0.1]:<port> <host key>`: a known_hosts line for this server. */
  async knownHostsLine(): Promise<string> {
    const pub = (await readFile(join(this.dir, 'host_ed25519.pub'), 'utf8')).trim();
    const [type, key] = pub.split(/\s+/);
    return `[127.0.0.1]:${this.port} ${type} ${key}\n`;
  }

  /**
   * A new client key pair in the fixture directory (mode 0600); authorized when
   * `authorize` is true. Returns the private key's path.
   */
  async clientKey(name: string, authorize: boolean): Promise<string> {
    const path = join(this.dir, name);
    await keygen(path);
    await chmod(path, 0o600);
    if (authorize) {
      const pub = await readFile(`${path}.pub`, 'utf8');
      const file = join(this.dir, 'authorized_keys');
      await writeFile(file, (await readFile(file, 'utf8')) + pub);
    }
    return path;
  }

  /** What sshd printed (with -e its log goes to stderr): for failure messages. */
  get log(): string {
    return this.stderr;
  }

  async close(): Promise<void> {
    const p = this.proc;
    if (p !== undefined && p.exitCode === null && p.signalCode === null) {
      const gone = new Promise((resolve) => p.once('exit', resolve));
      p.kill('SIGTERM');
      await gone;
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private async run(): Promise<void> {
    const proc = spawn(SSHD, ['-D', '-e', '-f', join(this.dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.proc = proc;
    // Should the test process die without calling close(), sshd (a daemon that outlives its
    // parent) goes with it.
    const reap = (): void => {
      proc.kill('SIGKILL');
    };
    process.once('exit', reap);
    proc.once('exit', () => process.removeListener('exit', reap));
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-64 * 1024)));
    const deadline = Date.now() + 5000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`sshd exited: ${this.stderr}`);
      if (await canConnect(this.port)) return;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`sshd did not start listening: ${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function keygen(path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const r = spawnSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'modgate-test',
    '-f',
    path,
  ]);
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr.toString()}`);
}
