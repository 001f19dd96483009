import type { Command } from 'commander';
import { withLocalModgate } from '../app/local-modgate.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../log/index.js';
import { collectWarmInputs, warm, type WarmProgress, type WarmReport } from '../mirror/index.js';

interface WarmFlags {
  server?: string;
  dataDir?: string;
  config?: string;
  upstream?: string;
  concurrency?: string;
  json?: boolean;
  key?: boolean;
}

/**
 * `modgate warm [PATHS…] --server URL`: fills a GOPROXY server with what `go mod download`
 * would fetch for the given go.mod/go.sum/go.work files. With `--data-dir DIR` and/or
 * `--config FILE` instead, fills that storage (a data directory, or the configured one, e.g.
 * S3) through the configured upstream chain, with the same verify-before-store as `serve`: a
 * modgate built from that configuration runs on a loopback port for the duration
 * (app/local-modgate.ts) and is warmed as a server. Exit status 1 when anything failed,
 * 2 on bad usage. The progress line (a plain carriage-return line, no dependency) goes to
 * stderr only when stderr is a terminal, so CI logs stay clean.
 */
export function addWarmCommand(program: Command): void {
  program
    .command('warm [paths...]')
    .description(
      'fetch what `go mod download` needs for go.mod/go.sum/go.work files (directories walked; - for stdin) through a GOPROXY server, or straight into a data directory or the configured storage',
    )
    .option('--server <url>', 'the GOPROXY server to warm (or MODGATE_SERVER)')
    .option(
      '--data-dir <dir>',
      "warm this data directory directly (through the config's upstreams)",
    )
    .option('--config <file>', 'warm the storage this configuration file names (e.g. S3)')
    .option('--upstream <list>', 'with --data-dir/--config: the upstreams, in GOPROXY syntax')
    .option('--concurrency <n>', 'parallel requests (default 8)')
    .option('--json', 'print the summary as JSON')
    .option('--key', 'print a stable hash of the dependency set (a CI cache key); fetch no zips')
    .action(async (paths: string[], flags: WarmFlags) => {
      process.exitCode = await runWarm(paths, flags);
    });
}

async function runWarm(paths: string[], flags: WarmFlags): Promise<number> {
  const local = flags.dataDir !== undefined || flags.config !== undefined;
  const server = flags.server ?? (local ? undefined : process.env.MODGATE_SERVER);
  if (local && server !== undefined) {
    process.stderr.write('modgate warm: give --server, or --data-dir/--config, not both\n');
    return 2;
  }
  if (!local && (server === undefined || server === '')) {
    process.stderr.write(
      'modgate warm: --server URL is required (or MODGATE_SERVER), or --data-dir DIR / --config FILE\n',
    );
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
  const run = (url: string): Promise<WarmReport> =>
    warm(inputs, {
      server: url,
      concurrency,
      ...(flags.key === true ? { keyOnly: true } : {}),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
  const report = server !== undefined ? await run(server) : await warmLocally(flags, run);
  if (tty) process.stderr.write('\r\x1b[K');
  if (flags.json === true) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (flags.key === true) process.stdout.write(report.key + '\n');
  else process.stdout.write(summary(report));
  if (flags.key === true && flags.json !== true) {
    for (const f of report.failures) process.stderr.write(`failed: ${f.file}: ${f.reason}\n`);
  }
  return report.failed > 0 ? 1 : 0;
}

/**
 * Warms the storage of a configuration (the file, MODGATE_* variables, --data-dir,
 * --upstream) through a modgate of its own on a loopback port. Its listener, metrics listener
 * and rate limit are the caller's concern, not the configuration's: overridden. Logs go to
 * stderr at warn level unless configured otherwise.
 */
async function warmLocally(
  flags: WarmFlags,
  run: (url: string) => Promise<WarmReport>,
): Promise<WarmReport> {
  const config = loadConfig({
    ...(flags.config === undefined ? {} : { file: flags.config }),
    env: process.env,
    flags: {
      data_dir: flags.dataDir,
      upstream: flags.upstream,
      listen: '127.0.0.1:0',
      'metrics.enabled': false,
      'rate_limit.requests_per_second': 0,
    },
  });
  const level = config.log.level === 'info' ? 'warn' : config.log.level;
  const logger = createLogger({ level, format: config.log.format });
  return withLocalModgate(config, logger, run);
}

function summary(r: WarmReport): string {
  const lines = [
    `inputs: ${r.inputs}, modules: ${r.modules}`,
    `fetched: ${r.fetched} files (${r.present} already present), failed: ${r.failed}`,
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
