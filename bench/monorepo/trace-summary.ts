import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One git command name's share of a side's git processes (from GIT_TRACE2_EVENT files). */
export interface TraceRow {
  command: string;
  processes: number;
  /** Sum of the processes' wall times, seconds. */
  seconds: number;
  /** Longest single process, seconds. */
  maxSeconds: number;
}

/**
 * Where a side's git time went: GIT_TRACE2_EVENT pointed at a directory writes one file per
 * git process (children such as index-pack and upload-pack's pack-objects included); each
 * file's `cmd_name` event names the command and its `exit` event (`t_abs`) says how long the
 * process ran. Rows by command, the most time first. Processes still running (no exit event)
 * count with 0 s.
 */
export async function traceSummary(dir: string): Promise<TraceRow[]> {
  const rows = new Map<string, TraceRow>();
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    const text = await readFile(join(dir, f), 'utf8').catch(() => '');
    let name = '?';
    let seconds = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let e: { event?: string; name?: string; t_abs?: number; argv?: string[] };
      try {
        e = JSON.parse(line) as typeof e;
      } catch {
        continue;
      }
      if (e.event === 'cmd_name' && e.name !== undefined) name = e.name;
      else if (e.event === 'exit' && e.t_abs !== undefined) seconds = e.t_abs;
      else if (e.event === 'start' && name === '?' && e.argv !== undefined) {
        name = e.argv.slice(1).find((a) => !a.startsWith('-') && !a.includes('=')) ?? '?';
      }
    }
    const row = rows.get(name) ?? { command: name, processes: 0, seconds: 0, maxSeconds: 0 };
    row.processes++;
    row.seconds += seconds;
    row.maxSeconds = Math.max(row.maxSeconds, seconds);
    rows.set(name, row);
  }
  return [...rows.values()].sort((a, b) => b.seconds - a.seconds);
}

/** The summary as text lines, for the bench's output. */
export function formatTrace(side: string, rows: readonly TraceRow[]): string {
  const lines = [`git processes of ${side}, by command (wall seconds summed over processes):`];
  for (const r of rows) {
    lines.push(
      `  ${r.command.padEnd(22)} ${String(r.processes).padStart(5)} × ` +
        `${r.seconds.toFixed(1).padStart(7)} s (longest ${r.maxSeconds.toFixed(2)} s)`,
    );
  }
  return lines.join('\n');
}
