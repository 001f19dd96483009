import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { withLocalModgate } from '../app/local-modgate.js';
import { openMirrorContext, type MirrorContext } from '../app/mirror-context.js';
import { createLogger } from '../log/index.js';
import { ModgateError } from '../errors/index.js';
import {
  BundleError,
  collectWarmInputs,
  exportBundle,
  importBundle,
  itemsFromGoFiles,
  itemsStoredSince,
  parseExportItem,
  parseExportList,
  ServerExportSource,
  StorageExportSource,
  type ExportItem,
  type ExportReport,
  type ImportReport,
} from '../mirror/index.js';
import { configFrom, withConfigOptions, type ConfigFlags } from './config-options.js';

interface ExportFlags extends ConfigFlags {
  output?: string;
  server?: string;
  list?: string;
  since?: string;
  skipPrivate?: boolean;
  proveFrom?: string;
  json?: boolean;
}

interface ImportFlags extends ConfigFlags {
  json?: boolean;
}

/**
 * `modgate mirror …`: moving verified module sets between modgates and into air-gapped sites
 * (docs/mirror.md). `export` writes a bundle, `import` verifies one whole and stores it.
 * Other subcommands (`sync`) attach to the returned command. Exit status: 0 done, 1 refused
 * or failed (the message names the entry and the check), 2 bad usage.
 */
export function addMirrorCommand(program: Command): Command {
  const mirror = program
    .command('mirror')
    .description('export, import and sync verified module sets (air-gapped sites, mirrors)');

  withConfigOptions(
    mirror
      .command('export [inputs...]')
      .description(
        'write a bundle of module versions with the checksum-database records, signed tree head and tiles that verify them; inputs are module@version[/go.mod] or go.mod/go.sum/go.work files and directories',
      )
      .requiredOption('-o, --output <file>', 'the bundle file to write')
      .option('--server <url>', 'read from this running modgate (GOPROXY + /sumdb/ requests)')
      .option('--list <file>', 'a file of module@version lines')
      .option('--since <date>', 'every version stored since this date (storage sources only)')
      .option('--skip-private', 'leave private modules out instead of refusing the export')
      .option(
        '--prove-from <size>',
        "also carry the tiles proving the head consistent with the importing site's head of this size",
      )
      .option('--json', 'print the summary as JSON'),
  ).action(async (inputs: string[], flags: ExportFlags) => {
    process.exitCode = await report(flags.json, () => runExport(inputs, flags), formatExport);
  });

  withConfigOptions(
    mirror
      .command('import <bundle>')
      .description(
        'verify a bundle whole (hashes, zips, h1, records, tiles, signed head) and store it; nothing is stored if anything fails',
      )
      .option('--json', 'print the summary as JSON'),
  ).action(async (bundle: string, flags: ImportFlags) => {
    process.exitCode = await report(flags.json, () => runImport(bundle, flags), formatImport);
  });
  return mirror;
}

async function report<T>(
  json: boolean | undefined,
  run: () => Promise<T>,
  format: (r: T) => string,
): Promise<number> {
  try {
    const r = await run();
    process.stdout.write(json === true ? JSON.stringify(r, null, 2) + '\n' : format(r));
    return 0;
  } catch (err) {
    if (err instanceof BundleError) {
      if (json === true) {
        const refused = { refused: true, entry: err.entry, check: err.check, error: err.message };
        process.stdout.write(JSON.stringify(refused, null, 2) + '\n');
      }
      process.stderr.write(`modgate mirror: refused: ${err.message}\n`);
      return 1;
    }
    if (err instanceof ModgateError && err.kind === 'invalid') throw err; // usage: exit 2
    process.stderr.write(`modgate mirror: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

async function withContext<T>(flags: ConfigFlags, fn: (c: MirrorContext) => Promise<T>) {
  const context = openMirrorContext(configFrom(flags));
  try {
    return await fn(context);
  } finally {
    await context.close();
  }
}

function runExport(inputs: string[], flags: ExportFlags): Promise<ExportReport> {
  return withContext(flags, async (c) => {
    const db = c.databases[0];
    if (db === undefined) {
      throw new ModgateError('invalid', 'no checksum database configured (sumdb.databases)');
    }
    const items: ExportItem[] = [];
    const files: string[] = [];
    for (const input of inputs) {
      if (input.includes('@') && !/\.(mod|sum|work)$/.test(input))
        items.push(parseExportItem(input));
      else files.push(input);
    }
    if (flags.list !== undefined)
      items.push(...parseExportList(await readFile(flags.list, 'utf8')));
    if (files.length > 0) {
      const read = await collectWarmInputs(files, readStdin);
      const needServer = read.some((i) => i.kind !== 'go.sum');
      items.push(
        ...(flags.server !== undefined || !needServer
          ? await itemsFromGoFiles(read, flags.server)
          : await viaLocalModgate(flags, (url) => itemsFromGoFiles(read, url))),
      );
    }
    if (flags.since !== undefined) {
      const since = new Date(flags.since);
      if (Number.isNaN(since.getTime())) {
        throw new ModgateError('invalid', `--since ${JSON.stringify(flags.since)} is not a date`);
      }
      if (flags.server !== undefined) {
        throw new ModgateError('invalid', '--since reads storage: use it without --server');
      }
      items.push(...(await itemsStoredSince(await c.storage(), since)));
    }
    if (items.length === 0) throw new ModgateError('invalid', 'nothing to export: no inputs');
    const proveFrom = flags.proveFrom === undefined ? undefined : Number(flags.proveFrom);
    if (proveFrom !== undefined && (!Number.isSafeInteger(proveFrom) || proveFrom < 1)) {
      throw new ModgateError('invalid', '--prove-from must be a tree size (a positive integer)');
    }
    const source =
      flags.server === undefined
        ? await storageSource(c, db)
        : new ServerExportSource(flags.server, db.name);
    return exportBundle(items, {
      source,
      database: db,
      out: flags.output!,
      isPrivate: (p) => c.isPrivate(p),
      ...(flags.skipPrivate === true ? { skipPrivate: true } : {}),
      ...(proveFrom === undefined ? {} : { proveFrom }),
    });
  });
}

function runImport(bundle: string, flags: ImportFlags): Promise<ImportReport> {
  return withContext(flags, async (c) =>
    importBundle(createReadStream(bundle), {
      storage: await c.storage(),
      databases: c.databases,
    }),
  );
}

/**
 * Runs `fn` against a modgate of its own over the configured storage and upstreams, on a
 * loopback port (as `warm --data-dir` does): go.mod and go.work inputs need the `.mod` files
 * of their build list, read — and fetched and verified into storage if missing — through it.
 */
async function viaLocalModgate<T>(flags: ConfigFlags, fn: (url: string) => Promise<T>) {
  const config = configFrom(flags, {
    listen: '127.0.0.1:0',
    'metrics.enabled': false,
    'rate_limit.requests_per_second': 0,
  });
  const level = config.log.level === 'info' ? 'warn' : config.log.level;
  return withLocalModgate(config, createLogger({ level, format: config.log.format }), fn);
}

async function storageSource(c: MirrorContext, db: SumdbDatabaseOf<MirrorContext>) {
  const storage = await c.storage();
  return new StorageExportSource(storage, c.sumdbClient(db, storage));
}

type SumdbDatabaseOf<C extends MirrorContext> = C['databases'][number];

function formatExport(r: ExportReport): string {
  const lines = [
    `wrote ${r.out}: ${r.modules} module versions (${r.zips} zips), ${r.tiles} tiles, ${r.entries} entries`,
    `checksum database ${r.database}, signed tree head of size ${r.treeSize}`,
    ...r.skipped.map((s) => `  skipped (private): ${s}`),
  ];
  return lines.join('\n') + '\n';
}

function formatImport(r: ImportReport): string {
  if (r.nothingChanged) {
    return `nothing changed: all ${r.modules} module versions of the bundle are already stored (checksum database ${r.database}, head of size ${r.head.after})\n`;
  }
  const head =
    r.head.before === r.head.after
      ? `head of size ${r.head.after} kept`
      : `head ${r.head.before ?? 'none'} → ${r.head.after}`;
  return `imported ${r.modules} module versions: ${r.stored.length} files stored, ${r.unchanged} already there; checksum database ${r.database}, ${head}\n`;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
