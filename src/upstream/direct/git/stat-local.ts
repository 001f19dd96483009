import { ModgateError } from '../../../errors/index.js';
import type { RevInfoVcs } from '../code-host.js';
import { GitCommandError } from './git-process.js';
import { shortenHash } from './git-rev.js';
import type { GitRunner } from './git-runner.js';

/**
 * cmd/go's statLocal: `git log -n1 --format=%H %ct %D <rev> --` in the bare repository.
 * Null when git cannot resolve `rev` locally (not fetched yet, or no such name). The caller
 * holds the repository lock.
 */
export async function statLocal(
  runner: GitRunner,
  gitDir: string,
  version: string,
  rev: string,
): Promise<RevInfoVcs | null> {
  let out;
  try {
    out = await runner.run(
      [
        '-c',
        'log.showsignature=false',
        'log',
        '--no-decorate',
        '-n1',
        '--format=format:%H %ct %D',
        rev,
        '--',
      ],
      { class: 'local', gitDir },
    );
  } catch (err) {
    if (err instanceof GitCommandError && err.failure === 'exit') return null;
    throw err;
  }
  return parseLogLine(out.stdout.toString('utf8'), version);
}

/**
 * Reads one `%H %ct %D` line: the full hash, the committer time (seconds, taken as UTC), and
 * the `tag: X` decorations (sorted bytewise, as Go sorts strings). `version` is the requested
 * revision: extended to the full hash when it is a prefix of it, and kept as the version only
 * when it is one of the commit's tags (which filters out branch names and HEAD); otherwise the
 * version is the hash.
 */
export function parseLogLine(line: string, version: string): RevInfoVcs {
  const text = line.trim();
  const f = text.split(/\s+/);
  const hash = f[0] ?? '';
  const seconds = Number(f[1]);
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(hash) || !Number.isSafeInteger(seconds)) {
    throw new ModgateError(
      'upstream',
      `unexpected git log output ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  const tags: string[] = [];
  for (let i = 2; i < f.length; i++) {
    if (f[i] === 'tag:' && i + 1 < f.length) tags.push((f[++i] ?? '').replace(/,$/, ''));
  }
  tags.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const v = hash.startsWith(version) ? hash : version;
  return {
    name: hash,
    short: shortenHash(hash),
    time: new Date(seconds * 1000),
    version: tags.includes(v) ? v : hash,
    tags,
  };
}

/**
 * What stat of `info`'s commit hash answers once the commit is local (statLocal of the hash):
 * the hash as the version, no ref, the same tags and time.
 */
export function statOfHash(info: RevInfoVcs): RevInfoVcs {
  const byHash: RevInfoVcs = { ...info, version: info.name };
  delete byHash.ref;
  return byHash;
}
