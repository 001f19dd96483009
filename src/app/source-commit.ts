import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const UNKNOWN = 'unknown';
const HASH = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * The commit modgate runs from (the `commit` of modgate_build_info): HEAD of the git checkout
 * the code lives in, read from its files (no git process: start-up must not depend on git
 * being installed), or `unknown` — an npm install, a bundled executable, anything unreadable.
 * A checkout whose tree has uncommitted changes still reports HEAD.
 */
export function sourceCommit(root = packageRoot()): string {
  try {
    let gitDir = join(root, '.git');
    if (statSync(gitDir).isFile()) {
      // A worktree or submodule: `.git` names the real directory.
      const line = readFileSync(gitDir, 'utf8').trim();
      if (!line.startsWith('gitdir: ')) return UNKNOWN;
      gitDir = resolve(root, line.slice('gitdir: '.length));
    }
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (HASH.test(head)) return head;
    if (!head.startsWith('ref: ')) return UNKNOWN;
    const ref = head.slice('ref: '.length);
    if (ref.includes('..')) return UNKNOWN;
    const common = commonDir(gitDir);
    for (const dir of [gitDir, common]) {
      try {
        const hash = readFileSync(join(dir, ref), 'utf8').trim();
        if (HASH.test(hash)) return hash;
      } catch {
        // Not a loose ref here: packed, or in the common directory.
      }
    }
    for (const line of readFileSync(join(common, 'packed-refs'), 'utf8').split('\n')) {
      const [hash, name] = line.split(' ');
      if (name === ref && hash !== undefined && HASH.test(hash)) return hash;
    }
    return UNKNOWN;
  } catch {
    return UNKNOWN;
  }
}

/** A worktree's shared git directory (its `commondir` file), else the directory itself. */
function commonDir(gitDir: string): string {
  try {
    return resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
  } catch {
    return gitDir;
  }
}

/** The package's root: three levels above this compiled file (dist/src/app/). */
function packageRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}
