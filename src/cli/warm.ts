import type { Command } from 'commander';
import { collectWarmInputs, warm, type WarmProgress, type WarmReport } from '../mirror/index.js';

interface WarmFlags {
  server?: string;
  concurrency?: string;
  json?: boolean;
  key?: boolean;
}

/**
 * `modgate warm [PATHS…] --server URL`: fills a GOPROXY server with what `go mod download`
 * would fetch for the given go.mod/go.sum/go.work files. Exit status 1 when anything failed,
 * 2 on bad usage. The progress line (a plain carriage-return line, no dependency) goes to
 * stderr only when stderr is a terminal, so CI logs stay clean.
 */
export function addWarmCommand(program: Command): void {
  program
    .command('warm [paths...]')
    .description(
      'fetch through a GOPROXY server what `go mod download` needs for go.mod/go.sum/go.work files (directories walked; - for stdin)',
    )
    .option('--server <url>', 'the GOPROXY server to warm (or MODGATE_SERVER)')
    .option('--concurrency <n>', 'parallel requests (default 8)')
    .option('--json', 'print the summary as JSON')
    .option('--key', 'print a stable hash of the dependency set (a CI cache key); fetch no zips')
    .action(async (paths: string[], flags: WarmFlags) => {
      process.exitCode = await runWarm(paths, flags);
    });
}

async function runWarm(paths: string[], flags: WarmFlags): Promise<number> {
  const server = flags.server ?? process.env.MODGATE_SERVER;
  if (server === undefined || server === '') {
    process.stderr.write('modgate warm: --server URL is required (or MODGATE_SERVER)\n');
    return 2;
  }
  const concurrency = Number(flags.concurrency ?? '8');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    process.stderr.write('modgate warm: --concurrency must be an integer from 1 to 256\n');
    return 2;
  }
  const inputs = await collectWarmInputs(paths, readStdin);
  const tty = process.stderr.isTTY && flags.json !== true;
  let last = 0;
  const onProgress = tty
    ? (p: WarmProgress): void => {
        const now = Date.now();
        if (now - last < 100 && p.done !== p.total) return;
        last = now;
        process.stderr.write(`\rmodgate warm: ${p.done}/${p.total} files`);
      }
    : undefined;
  const report = await warm(inputs, {
    server,
    concurrency,
    ...(flags.key === true ? { keyOnly: true } : {}),
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  if (tty) process.stderr.write('\r\x1b[K');
  if (flags.json === true) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (flags.key === true) process.stdout.write(report.key + '\n');
  else process.stdout.write(summary(report));
  if (flags.key === true && flags.json !== true) {
    for (const f of report.failures) process.stderr.write(`failed: ${f.file}: ${f.reason}\n`);
  }
  return report.failed > 0 ? 1 : 0;
}

function summary(r: WarmReport): string {
  const lines = [
    `inputs: ${r.inputs}, modules: ${r.modules}`,
    `fetched: ${r.fetched} files, failed: ${r.failed}`,
    ...r.failures.map((f) => `  failed: ${f.file}: ${f.reason}`),
    `key: ${r.key}`,
  ];
  return lines.join('\n') + '\n';
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
