import type { GitProcess } from './git-process.js';
import type { GitRunner } from './git-runner.js';

/** One object read through `git cat-file --batch`. */
export interface GitObject {
  oid: string;
  type: string;
  size: number;
  /** The content; null when it was over the caller's `maxBytes` (skipped, not kept). */
  data: Buffer | null;
}

interface Pending {
  maxBytes: number;
  resolve: (o: GitObject | null) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface CatFileBatchOptions {
  /** Bound on one request (the local command timeout). */
  timeoutMs: number;
  /** The process is stopped after this long without requests. Default 5 s. */
  idleMs?: number;
}

/**
 * Object reads for one repository through one long-running `git cat-file --batch`, instead of
 * a process per object: requests are written as they come (`<object name>\n`) and answered in
 * order from the process's output (`<oid> <type> <size>\n<content>\n`, or `<name> missing\n`).
 * The process starts on the first request and stops after `idleMs` without any; a request
 * past `timeoutMs` kills it (every pending request fails; the next starts another). Objects
 * fetched while it runs are found: git looks for new packs when an object is not in the ones
 * it knows. `close()` stops it (before the repository is evicted).
 */
export class CatFileBatch {
  private proc: GitProcess | undefined;
  private starting: Promise<GitProcess> | undefined;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  /** The object being read: header parsed, `need` more bytes (content and newline) to come. */
  private current: { header: GitObject; need: number; chunks: Buffer[]; keep: boolean } | undefined;
  private idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly runner: GitRunner,
    private readonly gitDir: string,
    private readonly options: CatFileBatchOptions,
  ) {}

  /**
   * The object `name` names (`<hash>`, `<commit>:<path>`): null when missing (or ambiguous).
   * A name must not contain a newline.
   */
  async read(name: string, maxBytes: number): Promise<GitObject | null> {
    if (name.includes('\n')) return null;
    const proc = await this.process();
    if (this.idle !== undefined) clearTimeout(this.idle);
    return new Promise<GitObject | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          proc,
          new Error(`git cat-file --batch: no answer in ${this.options.timeoutMs} ms`),
        );
      }, this.options.timeoutMs);
      this.pending.push({ maxBytes, resolve, reject, timer });
      proc.stdin?.write(`${name}\n`);
    });
  }

  /** Stops the process; pending requests fail. */
  close(): void {
    if (this.idle !== undefined) clearTimeout(this.idle);
    if (this.proc !== undefined) this.fail(this.proc, new Error('git cat-file --batch closed'));
  }

  private process(): Promise<GitProcess> {
    if (this.proc !== undefined) return Promise.resolve(this.proc);
    this.starting ??= this.runner
      .startService(['cat-file', '--batch'], { gitDir: this.gitDir })
      .then((proc) => {
        this.proc = proc;
        this.buffer = Buffer.alloc(0);
        this.current = undefined;
        proc.stdout.on('data', (chunk: Buffer) => this.onData(proc, chunk));
        void proc.exited.then((exit) => {
          this.fail(
            proc,
            new Error(
              `git cat-file --batch ended: ${exit.failure ?? 'exit'} ${exit.stderr.trim()}`,
            ),
          );
        });
        return proc;
      })
      .finally(() => {
        this.starting = undefined;
      });
    return this.starting;
  }

  private onData(proc: GitProcess, chunk: Buffer): void {
    if (proc !== this.proc) return;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const cur = this.current;
      if (cur !== undefined) {
        const take = Math.min(cur.need, this.buffer.length);
        if (take === 0) return;
        if (cur.keep) cur.chunks.push(this.buffer.subarray(0, take));
        this.buffer = this.buffer.subarray(take);
        cur.need -= take;
        if (cur.need > 0) return;
        this.current = undefined;
        // The content, without git's closing newline.
        const data = cur.keep ? Buffer.concat(cur.chunks).subarray(0, cur.header.size) : null;
        this.settle({ ...cur.header, data });
        continue;
      }
      const nl = this.buffer.indexOf(0x0a);
      if (nl < 0) return;
      const line = this.buffer.subarray(0, nl).toString('utf8');
      this.buffer = this.buffer.subarray(nl + 1);
      const f = line.split(' ');
      if (f.length === 3 && /^[0-9a-f]{40,64}$/.test(f[0] ?? '')) {
        const size = Number(f[2]);
        const keep = size <= (this.pending[0]?.maxBytes ?? 0);
        const header = { oid: f[0] ?? '', type: f[1] ?? '', size, data: null };
        this.current = { header, need: size + 1, chunks: [], keep };
        continue;
      }
      // `<name> missing` / `<name> ambiguous`: no such object.
      this.settle(null);
    }
  }

  private settle(o: GitObject | null): void {
    const p = this.pending.shift();
    if (p === undefined) return;
    clearTimeout(p.timer);
    p.resolve(o);
    if (this.pending.length === 0) {
      const proc = this.proc;
      this.idle = setTimeout(() => {
        if (proc !== undefined && this.pending.length === 0) this.stop(proc);
      }, this.options.idleMs ?? 5000);
      this.idle.unref();
    }
  }

  /** Ends an idle `proc` the polite way: git exits at the end of its input. */
  private stop(proc: GitProcess): void {
    if (proc !== this.proc) return;
    this.proc = undefined;
    proc.stdin?.end();
  }

  /** Kills `proc` (if it is still the current one) and fails what waits for it. */
  private fail(proc: GitProcess, err: Error): void {
    if (proc !== this.proc) return;
    this.proc = undefined;
    this.current = undefined;
    this.buffer = Buffer.alloc(0);
    proc.stdin?.end();
    proc.kill('aborted');
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }
}
