import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseLsRemote, type GitRefs } from './git-refs.js';
import type { GitRemote } from './git-remote.js';
import type { GitRunner } from './git-runner.js';
import { mapGitError } from './map-git-error.js';

/** What one `git ls-remote` learnt of a remote. */
export interface RemoteAdvertisement {
  refs: GitRefs;
  /**
   * The server speaks git's protocol v2 and its `fetch` command takes `filter`: a partial
   * clone works there. (v2's upload-pack sends any object it has by id, so the blobs a
   * filtered fetch left out can be fetched later; a v0 server refuses unadvertised objects.)
   * Undefined when the capabilities were not asked for.
   */
  partialClone?: boolean;
}

/**
 * `git ls-remote -q <url>`, outside any repository: the remote's HEAD, branches and tags
 * (peeled). Needs no local clone, so it also answers "does this repository exist?" cheaply.
 * With `capabilities`, the server's are read from git's packet trace (GIT_TRACE_PACKET to a
 * file of our own, removed afterwards): git prints them nowhere else. Throws ModgateErrors
 * (`mapGitError`).
 */
export async function lsRemote(
  runner: GitRunner,
  remote: GitRemote,
  capabilities = true,
): Promise<RemoteAdvertisement> {
  const trace = join(runner.dir, `ls-remote-trace-${randomBytes(8).toString('hex')}`);
  try {
    const out = await runner.run(['ls-remote', '-q', remote.url], {
      class: 'ls-remote',
      host: remote.host,
      url: remote.url,
      ...(capabilities ? { env: { GIT_TRACE_PACKET: trace } } : {}),
    });
    const refs = parseLsRemote(out.stdout.toString('utf8'));
    if (!capabilities) return { refs };
    const text = await readFile(trace, 'utf8').catch(() => '');
    return { refs, partialClone: allowsPartialClone(text) };
  } catch (err) {
    throw mapGitError(err, { host: remote.host, what: `git ls-remote ${remote.display}` });
  } finally {
    await rm(trace, { force: true });
  }
}

/**
 * Whether a packet trace of the server's greeting shows protocol v2 with a `fetch` command
 * that takes `filter` (`fetch=shallow wait-for-done filter`). Only the capability lines, which
 * come before any ref, are looked at.
 */
export function allowsPartialClone(trace: string): boolean {
  let v2 = false;
  let filter = false;
  for (const line of trace.split('\n')) {
    const m = /< (.*)$/.exec(line);
    if (m === null) continue;
    const pkt = (m[1] ?? '').trim();
    if (pkt === 'version 2') v2 = true;
    else if (v2 && pkt.startsWith('fetch=')) filter = pkt.slice(6).split(' ').includes('filter');
    else if (v2 && pkt === '0000') break; // end of the capability advertisement
  }
  return v2 && filter;
}
