import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `body` with the pid of a real zombie, or returns false without running it where there is
 * no /proc to prove the state. sh starts `sleep 0.1` in the background, prints its pid and
 * becomes `sleep 30` (exec), which never waits for children: the finished grandchild stays a
 * zombie, and kill(pid, 0) keeps succeeding for it, until `sleep 30` is killed and init reaps it.
 */
export async function withZombie(body: (pid: number) => Promise<void>): Promise<boolean> {
  const holder = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(holder, 'exit');
  try {
    const [line] = (await once(holder.stdout, 'data')) as [Buffer];
    const pid = Number(line.toString().trim());
    const state = async () =>
      (await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')).split(') ')[1]?.[0];
    for (;;) {
      const now = await state();
      if (now === undefined) return false;
      if (now === 'Z') break;
      await sleep(20);
    }
    await body(pid);
    return true;
  } finally {
    holder.kill('SIGKILL');
    await exited;
  }
}
