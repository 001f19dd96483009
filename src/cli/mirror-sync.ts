import type { Command } from 'commander';
import { openMirrorContext } from '../app/mirror-context.js';
import { ModgateError } from '../errors/index.js';
import { BundleError, syncFrom, type SyncReport } from '../mirror/index.js';
import { configFrom, withConfigOptions, type ConfigFlags } from './config-options.js';

interface SyncFlags extends ConfigFlags {
  from?: string;
  batch?: string;
  json?: boolean;
}

/**
 * `modgate mirror sync --from URL`: pulls from another modgate, by its index feed, the module
 * versions this one's storage lacks, verified as `mirror import` verifies a bundle
 * (mirror/sync.ts). Resumable: run it again (e.g. from cron) and it continues where it
 * stopped. Exit status 0 done, 1 refused or failed, 2 bad usage.
 */
export function addMirrorSyncCommand(mirror: Command): void {
  withConfigOptions(
    mirror
      .command('sync')
      .description(
        'pull from another modgate, by its index feed (/index), the module versions this storage lacks, verified like an import (records, tiles, signed head, zips); resumes where it stopped',
      )
      .requiredOption('--from <url>', 'the upstream modgate')
      .option('--batch <n>', 'module versions per verified batch (default 100)')
      .option('--json', 'print the summary as JSON'),
  ).action(async (flags: SyncFlags) => {
    process.exitCode = await runSync(flags);
  });
}

async function runSync(flags: SyncFlags): Promise<number> {
  const batch = Number(flags.batch ?? '100');
  if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) {
    throw new ModgateError('invalid', '--batch must be an integer from 1 to 10000');
  }
  const context = openMirrorContext(configFrom(flags));
  const abort = new AbortController();
  const stop = (): void => abort.abort(new Error('interrupted: run the sync again to resume'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const report = await syncFrom({
      from: flags.from!,
      storage: await context.storage(),
      databases: context.databases,
      isPrivate: (p) => context.isPrivate(p),
      batch,
      signal: abort.signal,
    });
    process.stdout.write(
      flags.json === true ? JSON.stringify(report, null, 2) + '\n' : summary(report),
    );
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (flags.json === true) {
      const failed = err instanceof BundleError ? { entry: err.entry, check: err.check } : {};
      process.stdout.write(
        JSON.stringify({ failed: true, ...failed, error: message }, null, 2) + '\n',
      );
    }
    process.stderr.write(
      `modgate mirror sync: ${err instanceof BundleError ? 'refused: ' : ''}${message}\n`,
    );
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await context.close();
  }
}

function summary(r: SyncReport): string {
  const lines = [
    `synced from ${r.from} (checksum database ${r.database}): ${r.stored} versions stored, ${r.present} already present, ${r.listed} listed`,
    `cursor: ${r.cursor ?? 'none'}${r.resumedFrom === undefined ? '' : ` (resumed from ${r.resumedFrom})`}`,
    ...r.skippedPrivate.map((mv) => `  skipped (private): ${mv}`),
  ];
  return lines.join('\n') + '\n';
}
