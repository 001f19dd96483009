// The liveness rule of instance directories (src/storage/disk/instance-dir.ts): an entry of the
// shared folder is removed only when its heartbeat is more than `staleAfterMs` older than ours;
// process ids are never consulted. Staleness is made by setting a heartbeat's time back (what
// minutes without a beat would do), or by short bounds and a dead owner that stops beating.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import {
  DEFAULT_STALE_AFTER_MS,
  HEARTBEAT_FILE,
  InstanceDir,
} from '../../src/storage/disk/instance-dir.js';
import { withZombie } from './zombie.js';

async function withParent(body: (parent: string, root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'modgate-instance-dir-'));
  try {
    await body(join(root, 'shared'), root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Another process's directory as it would leave it, last beating `ageMs` ago. */
async function foreignInstance(parent: string, name: string, ageMs: number): Promise<string> {
  const dir = join(parent, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'upload.zip'), 'partial');
  await writeFile(join(dir, HEARTBEAT_FILE), '{}\n');
  await age(dir, ageMs);
  return dir;
}

/** Sets the modification time of a directory, its files and its heartbeat `ageMs` back. */
async function age(path: string, ageMs: number): Promise<void> {
  const then = new Date(Date.now() - ageMs);
  const info = await stat(path);
  if (info.isDirectory()) {
    for (const name of await readdir(path)) await utimes(join(path, name), then, then);
  }
  await utimes(path, then, then);
}

const MINUTE = 60_000;

/** Waits until `condition` holds, at most `limitMs` (generous: nothing asserts on time). */
async function until(condition: () => Promise<boolean>, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${limitMs} ms: ${String(condition)}`);
    await sleep(20);
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('InstanceDir', () => {
  test('claims <host>-<pid>-<random>/ with a heartbeat; close removes only it', () =>
    withParent(async (parent) => {
      const a = await InstanceDir.claim(parent);
      const b = await InstanceDir.claim(parent);
      try {
        assert.notEqual(a.path, b.path);
        const host = hostname().replace(/[^A-Za-z0-9.-]/g, '_');
        assert.match(
          a.id,
          new RegExp(`^${host.replace(/\./g, '\\.')}-${process.pid}-[0-9a-f]{12}$`),
        );
        const beat = JSON.parse(await readFile(join(a.path, HEARTBEAT_FILE), 'utf8')) as {
          pid: number;
        };
        assert.equal(beat.pid, process.pid);
        assert.deepEqual((await readdir(parent)).sort(), [a.id, b.id].sort());
      } finally {
        await a.close();
      }
      assert.deepEqual(await readdir(parent), [b.id]);
      await b.close();
      assert.deepEqual(await readdir(parent), []);
    }));

  test('a fresh heartbeat is kept, whatever its pid; a stale one is removed', () =>
    withParent(async (parent) => {
      // Names of processes that cannot be alive here: nothing but the heartbeat decides.
      const fresh = await foreignInstance(parent, 'elsewhere-2147483646-000000000000', 0);
      const recent = await foreignInstance(parent, 'elsewhere-2147483645-000000000000', 5 * MINUTE);
      const stale = await foreignInstance(parent, 'elsewhere-1-000000000000', 11 * MINUTE);
      // Our own pid, as a process that had it before us (a container's pid 1 after a restart)
      // would have left it: stale, so removed even though the pid is alive.
      const reused = await foreignInstance(parent, `h-${process.pid}-000000000000`, 11 * MINUTE);
      const own = await InstanceDir.claim(parent);
      try {
        assert.ok(await exists(fresh), 'fresh kept');
        assert.ok(await exists(recent), 'five minutes without a beat: kept');
        assert.ok(!(await exists(stale)), 'stale removed');
        assert.ok(!(await exists(reused)), 'stale with a live pid removed');
      } finally {
        await own.close();
      }
    }));

  test('anything recently touched is kept: a directory without heartbeat, a new file', () =>
    withParent(async (parent) => {
      await mkdir(join(parent, 'starting-1-000000000000'), { recursive: true });
      // Stale heartbeat, but a file was created in the directory just now.
      const busy = await foreignInstance(parent, 'busy-2-000000000000', 11 * MINUTE);
      await writeFile(join(busy, 'new.zip'), 'x');
      // Files an older modgate wrote directly in the folder: judged by their own times.
      await writeFile(join(parent, 'legacy-new.zip'), 'x');
      await writeFile(join(parent, 'legacy-old.zip'), 'x');
      await age(join(parent, 'legacy-old.zip'), 11 * MINUTE);
      await mkdir(join(parent, 'legacy-old-dir'));
      await age(join(parent, 'legacy-old-dir'), 11 * MINUTE);
      const own = await InstanceDir.claim(parent);
      try {
        assert.deepEqual(
          (await readdir(parent)).sort(),
          ['busy-2-000000000000', 'legacy-new.zip', own.id, 'starting-1-000000000000'].sort(),
        );
      } finally {
        await own.close();
      }
    }));

  test('the heartbeat keeps sweeping: a dead owner is removed once stale, a live one never', () =>
    withParent(async (parent) => {
      // A bound far above the beat, so that a busy machine stalling this process cannot make
      // the live one look stale (the defaults keep the same proportion: 20 beats).
      const liveness = { heartbeatMs: 50, staleAfterMs: 1500 };
      // A process that beat once and died: its directory is fresh at first.
      const dead = await foreignInstance(parent, 'gone-3-000000000000', 0);
      const live = await InstanceDir.claim(parent, liveness);
      const own = await InstanceDir.claim(parent, liveness);
      try {
        assert.ok(await exists(dead), 'kept while its heartbeat is fresh');
        await until(async () => !(await exists(dead)));
        // Many sweeps later, the live one (beating on its own timer) is still there.
        const swept = await own.sweep();
        assert.deepEqual(swept, []);
        assert.deepEqual((await readdir(parent)).sort(), [live.id, own.id].sort());
      } finally {
        await live.close();
        await own.close();
      }
    }));

  test('a directory removed under its owner is recreated on the next beat', () =>
    withParent(async (parent) => {
      const own = await InstanceDir.claim(parent, { heartbeatMs: 20, staleAfterMs: 60 });
      try {
        await rm(parent, { recursive: true, force: true });
        await own.ensure();
        assert.ok(await exists(join(own.path, HEARTBEAT_FILE)));
        await rm(own.path, { recursive: true, force: true });
        await until(() => exists(join(own.path, HEARTBEAT_FILE)));
      } finally {
        await own.close();
      }
    }));

  test('removals racing with the beats never stop the heartbeat', () =>
    withParent(async (parent) => {
      // A beat every millisecond: a removal lands between a beat's write and its stat at once
      // (that used to stop the heartbeat for good).
      const own = await InstanceDir.claim(parent, { heartbeatMs: 1, staleAfterMs: 10 });
      try {
        for (let i = 0; i < 100; i++) {
          // A beat may recreate what rm walks (ENOTEMPTY): rm retries, as `rm -rf` run again.
          const path = i % 2 === 0 ? own.path : parent;
          await rm(path, { recursive: true, force: true, maxRetries: 20, retryDelay: 5 });
          await until(() => exists(join(own.path, HEARTBEAT_FILE)), 10_000);
        }
      } finally {
        await own.close();
      }
    }));

  test('a removed data directory stays removed: the heartbeat stops instead', () =>
    withParent(async (_parent, root) => {
      const dataDir = join(root, 'data');
      const own = await InstanceDir.claim(join(dataDir, '.spool'), {
        heartbeatMs: 10,
        staleAfterMs: 30,
      });
      // A beat can recreate the instance directory while rm walks the tree (ENOTEMPTY on the
      // spool directory, seen once in a loaded CI run): rm retries, as `rm -rf` run again would.
      await rm(dataDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 5 });
      await sleep(100); // ten beats
      assert.ok(!(await exists(dataDir)));
      await own.close();
    }));

  test('a stale instance whose pid is a zombie is removed (kill(pid, 0) says alive)', async (t) => {
    const ran = await withZombie(async (zombie) => {
      assert.doesNotThrow(() => process.kill(zombie, 0), 'kill(pid, 0) takes a zombie for alive');
      await withParent(async (parent) => {
        const leftover = await foreignInstance(parent, `h-${zombie}-000000000000`, 11 * MINUTE);
        const own = await InstanceDir.claim(parent);
        try {
          assert.ok(!(await exists(leftover)));
        } finally {
          await own.close();
        }
      });
    });
    if (!ran) t.skip('no /proc to prove a zombie');
  });

  test('bounds: stale-after must be several heartbeats; the default is 20 of them', () => {
    assert.equal(DEFAULT_STALE_AFTER_MS, 10 * MINUTE);
    return assert.rejects(
      InstanceDir.claim(join(tmpdir(), 'never-created'), { heartbeatMs: 100, staleAfterMs: 200 }),
      RangeError,
    );
  });
});
