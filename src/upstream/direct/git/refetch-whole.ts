import { randomBytes } from 'node:crypto';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitRemote } from './git-remote.js';
import type { GitRunner, GitRunOptions } from './git-runner.js';

/**
 * The fallback of a partial clone's blob fetch (GitFetcher.fetchBlobs) where the server
 * refuses objects by id — a v0 server without `uploadpack.allowAnySHA1InWant`, reached after
 * the repository became partial while the server spoke v2: commit `commit` of the bare
 * repository `dir` with its whole tree (every blob), as a shallow fetch without filter of the
 * ref that named it (a local tag or branch pointing at it; else its hash).
 *
 * The fetch goes into a temporary repository, whose pack then joins `dir`'s: fetched into
 * `dir`, git would see the commit present and fetch nothing (with or without `--refetch`),
 * and `--depth=1` there would cut `dir`'s history where it has the commit's parents. The
 * caller keeps gc away meanwhile (a repack must not run while a pack is added); readers are
 * safe (a pack becomes visible with its index, which is moved last).
 */
export async function refetchWhole(
  runner: GitRunner,
  dir: string,
  remote: GitRemote,
  commit: string,
  fetchOptions: GitRunOptions,
): Promise<void> {
  const refs = await runner.run(
    ['for-each-ref', '--points-at', commit, '--format=%(refname)', 'refs/tags/', 'refs/heads/'],
    { class: 'local', gitDir: dir },
  );
  const ref = refs.stdout.toString('utf8').split('\n')[0]?.trim() || commit;
  // Beside the repository (the cache's sweep ignores `.tmp-` names), on the same filesystem.
  const tmp = `${dir}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await runner.run(['init', '--bare', '--quiet', '--template=', tmp], { class: 'local' });
    await runner.run(['remote', 'add', 'origin', '--', remote.url], {
      class: 'local',
      gitDir: tmp,
    });
    await runner.run(
      [
        '-c',
        'maintenance.auto=false',
        // A pack however few the objects (not loose objects), to move over whole.
        '-c',
        'fetch.unpackLimit=1',
        'fetch',
        '--no-tags',
        '--no-write-fetch-head',
        '--recurse-submodules=no',
        '--depth=1',
        'origin',
        `${ref}:refs/dummy`,
      ],
      { ...fetchOptions, gitDir: tmp },
    );
    const from = join(tmp, 'objects', 'pack');
    const to = join(dir, 'objects', 'pack');
    const files = (await readdir(from)).filter((f) => /^pack-[0-9a-f]+\.(pack|idx|rev)$/.test(f));
    // The pack first, its index last (as git itself does).
    const last = (f: string): number => (f.endsWith('.idx') ? 1 : 0);
    for (const f of files.sort((a, b) => last(a) - last(b))) {
      await rename(join(from, f), join(to, f));
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
