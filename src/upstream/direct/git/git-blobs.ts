import type { BareRepo } from './bare-repo.js';
import type { GitFetcher } from './git-fetcher.js';
import { GitCommandError } from './git-process.js';
import type { GitRunner } from './git-runner.js';
import { withSignal } from './with-signal.js';

/** Bound on the directories remembered as whole (~100 bytes each); past it, all are forgotten. */
const MAX_WHOLE = 10_000;

/**
 * The blobs a partial clone (git-fetcher.ts: `--filter=blob:none`) left out, fetched by id
 * before anything reads them — local commands never fetch on their own (git-runner.ts), so a
 * blob that is not here reads as missing. For a repository that is not partial every method
 * returns at once, without a git process. Fetches of blobs run beside fetches of refs (not
 * under the repository's write lock); git's failures are thrown unmapped.
 */
export class GitBlobs {
  /**
   * Directories (`<commit>:<dir>`) known to have all their blobs here: a module's zip after
   * its go.mod was read needs no second look. Forgotten when the repository is evicted.
   */
  private readonly whole = new Set<string>();
  /** Fetches under way by what they fetch (`<commit>:<dir>`, or a blob id). */
  private readonly fetching = new Map<string, Promise<void>>();

  constructor(
    private readonly repo: BareRepo,
    private readonly runner: GitRunner,
    private readonly fetcher: GitFetcher,
  ) {
    repo.onReset(() => this.whole.clear());
  }

  /**
   * Before `file` at `commit` is read: its blob, fetched if the partial clone left it out;
   * false when there is no such file. A module's `go.mod` brings its whole directory at once:
   * the module's zip, asked for next, needs the rest (one fetch instead of two). The
   * repository root is the exception (its go.mod is read for version lists, where no zip
   * follows, and the root's tree is the whole repository).
   */
  async forFile(commit: string, file: string, signal?: AbortSignal): Promise<boolean> {
    const slash = file.lastIndexOf('/');
    if (slash > 0 && file.slice(slash + 1) === 'go.mod') {
      await this.directory(commit, file.slice(0, slash), signal);
      return true;
    }
    return this.file(commit, file, signal);
  }

  /**
   * Every blob under directory `dir` (`''`: the whole tree) at the local commit `commit`, in
   * one fetch. Nothing when there is no such directory.
   */
  async directory(commit: string, dir: string, signal?: AbortSignal): Promise<void> {
    if (!this.repo.partial) return;
    const name = dir === '' ? `${commit}^{tree}` : `${commit}:${dir}`;
    if (this.whole.has(name)) return;
    await this.fetchMissing(name, commit, signal);
    if (this.whole.size >= MAX_WHOLE) this.whole.clear();
    this.whole.add(name);
  }

  /**
   * The blob of `file` at the local commit `commit`; false when the commit has no such file
   * (or it is not a blob), true once the blob is here.
   */
  async file(commit: string, file: string, signal?: AbortSignal): Promise<boolean> {
    if (!this.repo.partial) return true;
    const oid = await this.repo.lock.withObjectsRead(() => this.blobOf(commit, file));
    if (oid === undefined) return false;
    await this.fetchMissing(oid, commit, signal);
    return true;
  }

  /**
   * Fetches what `name` (a tree or a blob) lacks. Blob fetches do not take the repository's
   * write lock (GitFetcher.fetchBlobs says why): they run beside the fetch of another
   * version's tag. Callers asking for the same `name` at once share one fetch, which no
   * caller's signal ends (git's own timeouts bound it); the signal ends that caller's wait.
   */
  private async fetchMissing(name: string, commit: string, signal?: AbortSignal): Promise<void> {
    let pending = this.fetching.get(name);
    if (pending === undefined) {
      const run = this.repo.lock.withObjectsRead(async () => {
        const oids = await this.missing(name);
        if (oids.length > 0) await this.fetcher.fetchBlobs(oids, commit);
      });
      pending = run.finally(() => {
        if (this.fetching.get(name) === pending) this.fetching.delete(name);
      });
      pending.catch(() => undefined); // (a caller that gave up leaves it unawaited)
      this.fetching.set(name, pending);
    }
    await withSignal(pending, signal);
    // Blob fetches count towards gc as any other; it runs under the write lock.
    if (this.fetcher.gcDue) await this.repo.lock.withWrite(() => this.fetcher.gcIfDue(), signal);
  }

  /**
   * The missing objects among `name` (a tree: recursively) and what it holds:
   * `git rev-list --objects --missing=print` lists them as `?<oid>` and fetches nothing.
   * Empty when `name` does not resolve (no such path at that commit).
   */
  private async missing(name: string): Promise<string[]> {
    let out;
    try {
      out = await this.runner.run(['rev-list', '--objects', '--missing=print', name, '--'], {
        class: 'local',
        gitDir: this.repo.dir,
      });
    } catch (err) {
      // A missing blob named directly is a "bad object": it is missing.
      if (err instanceof GitCommandError && err.failure === 'exit') {
        return /^[0-9a-f]{40,64}$/.test(name) && /bad object/.test(err.stderr) ? [name] : [];
      }
      throw err;
    }
    const oids: string[] = [];
    for (const line of out.stdout.toString('utf8').split('\n')) {
      if (line.startsWith('?')) oids.push(line.slice(1).trim());
    }
    return oids;
  }

  /** The blob id of `file` at `commit` (`git ls-tree`), or undefined when there is none. */
  private async blobOf(commit: string, file: string): Promise<string | undefined> {
    const out = await this.runner.run(['ls-tree', '-z', '--full-tree', commit, '--', file], {
      class: 'local',
      gitDir: this.repo.dir,
      env: { GIT_LITERAL_PATHSPECS: '1' },
    });
    const record = out.stdout.toString('utf8').split('\0')[0] ?? '';
    const tab = record.indexOf('\t');
    if (tab < 0 || record.slice(tab + 1) !== file) return undefined;
    const [, type, oid] = record.slice(0, tab).split(' ');
    return type === 'blob' ? oid : undefined;
  }
}
