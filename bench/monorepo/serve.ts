import { spawn } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { canConnect, freePort } from '../../test/support/net.js';

/** A TCP relay in front of git daemon that counts the bytes sent to clients. */
export async function countingRelay(
  target: number,
): Promise<{ port: number; server: Server; bytes: () => number; reset: () => void }> {
  let received = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    upstream.on('data', (c: Buffer) => (received += c.length));
    client.pipe(upstream).pipe(client);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    port,
    server,
    bytes: () => received,
    reset: () => {
      received = 0;
    },
  };
}

/**
 * `git daemon` on 127.0.0.1 serving `root`. `config` is given to every upload-pack it runs
 * (GIT_CONFIG_COUNT, which wins over the repository's own config): e.g.
 * `uploadpack.allowFilter=false` for a server that refuses partial-clone filters.
 */
export async function startDaemon(
  root: string,
  config: Record<string, string> = {},
): Promise<{ port: number; stop: () => void }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  const entries = Object.entries(config);
  entries.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  env.GIT_CONFIG_COUNT = String(entries.length);
  const child = spawn(
    'git',
    [
      'daemon',
      '--export-all',
      `--base-path=${root}`,
      '--reuseaddr',
      '--listen=127.0.0.1',
      `--port=${port}`,
      root,
    ],
    { detached: true, stdio: 'ignore', env },
  );
  for (let i = 0; i < 200 && !(await canConnect(port)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    stop: () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    },
  };
}
