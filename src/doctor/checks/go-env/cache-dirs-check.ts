import { mkdtemp, rmdir, stat, statfs } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { Check } from '../../check.js';
import type { DoctorContext } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { noGo, sourceNote } from './go-env-fix.js';

const ID = 'go.cache-dirs';
const MiB = 1024 * 1024;
/** Below this much free space a download of a large module can fail half-way. */
export const FAIL_FREE_BYTES = 100 * MiB;
export const WARN_FREE_BYTES = 1024 * MiB;

/**
 * GOMODCACHE and GOCACHE: the go command writes every download into the module cache and
 * every build into the build cache, so each must be writable (tested by creating and removing
 * a directory in it, or in its nearest existing parent when the go command would create it —
 * permission bits alone lie for root and for read-only mounts), on a disk with room
 * (statfs), and not under the temporary directory ($TMPDIR, else /tmp, or /var/tmp), which
 * is cleaned behind the go command's back: every download repeats, and a half-cleaned cache
 * gives "verifying module: checksum mismatch"-like confusion.
 */
export const cacheDirsCheck: Check = {
  id: ID,
  layer: 'go',
  network: false,
  async run(ctx): Promise<Finding[]> {
    if (ctx.go === undefined) return noGo(ctx, ID);
    return Promise.all([examine(ctx, 'GOMODCACHE'), examine(ctx, 'GOCACHE')]);
  },
};

async function examine(ctx: DoctorContext, name: 'GOMODCACHE' | 'GOCACHE'): Promise<Finding> {
  const dir = ctx.go?.env[name] ?? '';
  const base = { check: ID, layer: 'go' as const, subject: name };
  const t = ctx.t;
  const what = t(`go.cache-dirs.what.${name}`);
  const details = [sourceNote(ctx, name)];
  if (dir === '' || dir === 'off' || !isAbsolute(dir)) {
    return {
      ...base,
      status: 'fail',
      summary:
        dir === '' ? t('go.cache-dirs.none', { what }) : t('go.cache-dirs.relative', { name, dir }),
      why: t('go.cache-dirs.none.why', { what }),
      fix: [
        `go env -w ${name}=${name === 'GOMODCACHE' ? '$HOME/go/pkg/mod' : '$HOME/.cache/go-build'}`,
      ],
      details,
    };
  }
  const existing = await nearestExisting(dir);
  const writable = await canWrite(existing);
  if (writable !== undefined) {
    return {
      ...base,
      status: 'fail',
      summary:
        existing === dir
          ? t('go.cache-dirs.unwritable', { dir, code: writable })
          : t('go.cache-dirs.unwritable.parent', { dir, code: writable, existing }),
      why: t(`go.cache-dirs.unwritable.${name}.why`),
      fix: [
        t('go.cache-dirs.unwritable.fix', { dir: existing }),
        t('go.cache-dirs.unwritable.fix.other', { name }),
      ],
      details,
    };
  }
  const problems: string[] = [];
  let status: 'ok' | 'warn' | 'fail' = 'ok';
  let why = '';
  const free = await freeBytes(existing);
  if (free !== undefined && free < WARN_FREE_BYTES) {
    status = free < FAIL_FREE_BYTES ? 'fail' : 'warn';
    problems.push(t('go.cache-dirs.low-space', { mib: Math.floor(free / MiB) }));
    why = t('go.cache-dirs.low-space.why');
  }
  const tmp = tempDirs(ctx).find((t) => isInside(dir, t));
  if (tmp !== undefined) {
    if (status === 'ok') status = 'warn';
    problems.push(t('go.cache-dirs.temporary', { tmp }));
    why = [why, t('go.cache-dirs.temporary.why')].filter(Boolean).join(t('report.list.separator'));
  }
  if (free !== undefined) details.push(t('go.cache-dirs.free', { mib: Math.floor(free / MiB) }));
  if (status === 'ok') return { ...base, status, summary: t('go.cache-dirs.ok', { dir }), details };
  return {
    ...base,
    status,
    summary: t('go.cache-dirs.problems', {
      dir,
      problems: problems.join(t('report.list.separator')),
    }),
    why,
    fix: [
      tmp === undefined
        ? t('go.cache-dirs.move.fix', { name })
        : t('go.cache-dirs.move.tmp.fix', { name, tmp }),
    ],
    details,
  };
}

function tempDirs(ctx: DoctorContext): string[] {
  const tmp = ctx.env.TMPDIR !== undefined && ctx.env.TMPDIR !== '' ? ctx.env.TMPDIR : '/tmp';
  return [tmp, '/var/tmp'];
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function nearestExisting(dir: string): Promise<string> {
  let d = dir;
  for (;;) {
    try {
      await stat(d);
      return d;
    } catch {
      const parent = dirname(d);
      if (parent === d) return d;
      d = parent;
    }
  }
}

/** undefined when a directory can be created and removed in `dir`; else the error code. */
async function canWrite(dir: string): Promise<string | undefined> {
  try {
    const probe = await mkdtemp(join(dir, '.modgate-doctor-'));
    await rmdir(probe);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}
