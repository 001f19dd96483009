import { parseLsRemote, type GitRefs } from './git-refs.js';
import type { GitRemote } from './git-remote.js';
import type { GitRunner } from './git-runner.js';
import { mapGitError } from './map-git-error.js';

/**
 * `git ls-remote -q <url>`, outside any repository: the remote's HEAD, branches and tags
 * (peeled). Needs no local clone, so it also answers "does this repository exist?" cheaply.
 * Throws ModgateErrors (`mapGitError`).
 */
export async function lsRemote(runner: GitRunner, remote: GitRemote): Promise<GitRefs> {
  try {
    const out = await runner.run(['ls-remote', '-q', remote.url], {
      class: 'ls-remote',
      host: remote.host,
      url: remote.url,
    });
    return parseLsRemote(out.stdout.toString('utf8'));
  } catch (err) {
    throw mapGitError(err, { host: remote.host, what: `git ls-remote ${remote.display}` });
  }
}
