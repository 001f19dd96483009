/**
 * Direct-fetching benchmark: the same module versions fetched from local git repositories
 * (a) through a cold `modgate serve` (empty data directory and git cache) and (b) by
 * `GOPROXY=direct go mod download` with a fresh module cache, rounds interleaved, medians and
 * their ratio printed from one run; h1 sums and version lists must agree. See README.md.
 *
 *   npm run bench:direct
 *   npm run bench:direct -- --rounds 7 --libs 12 --via-go --cpu-prof /tmp/prof
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hashGoMod } from '../../src/zip/index.js';
import { hashZipFile } from '../../src/zip/files/index.js';
import { GitFixture } from '../../test/upstream/direct/git/git-fixture.js';
import { buildBenchRepos, type BenchRepoSet } from './bench-repos.js';
import { fetchThroughModgate, type FetchResult } from './fetch-through-modgate.js';
import { GoDirect, removeTree, type GoDownload } from './go-direct.js';
import { startDirectModgate } from './modgate-process.js';

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    libs: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: String(availableParallelism()) },
    'via-go': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  process.stdout.write(
    'options: --rounds N (5) --libs N (8) --concurrency N (cores) --via-go ' +
      '(also time GOPROXY=<modgate> go mod download) --cpu-prof DIR (modgate CPU profiles) ' +
      '--out FILE (JSON results)\n',
  );
  process.exit(0);
}
const rounds = Number(opts.rounds);
const concurrency = Number(opts.concurrency);

interface Round {
  modgateMs: number;
  goDirectMs: number;
  goViaModgateMs?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function log(msg: string): void {
  process.stderr.write(`[bench:direct] ${msg}\n`);
}

/** Our versions, go.mod and zip sums against the go command's; returns the mismatches. */
async function compareSums(
  ours: FetchResult,
  go: Map<string, GoDownload>,
  scratch: string,
): Promise<string[]> {
  const bad: string[] = [];
  let n = 0;
  for (const v of ours.versions) {
    const key = `${v.path}@${v.query}`;
    const want = go.get(key);
    if (want === undefined || want.Error !== undefined) {
      bad.push(`${key}: the go command said ${want?.Error ?? 'nothing'}`);
      continue;
    }
    if (want.Version !== v.version) bad.push(`${key}: version ${v.version}, go ${want.Version}`);
    const modSum = hashGoMod(v.mod);
    if (modSum !== want.GoModSum) bad.push(`${key}: go.mod ${modSum}, go ${want.GoModSum}`);
    const file = join(scratch, `z${n++}.zip`);
    await writeFile(file, v.zip);
    const zipSum = await hashZipFile(file);
    if (zipSum !== want.Sum) bad.push(`${key}: zip ${zipSum}, go ${want.Sum}`);
  }
  return bad;
}

async function modgateRound(
  set: BenchRepoSet,
  fx: GitFixture,
  port: number,
  round: number,
): Promise<FetchResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'modgate-bench-direct-data-'));
  const profDir = opts['cpu-prof'];
  const modgate = await startDirectModgate({
    dataDir,
    daemonPort: port,
    env: fx.env,
    ...(profDir !== undefined
      ? {
          nodeFlags: [
            '--cpu-prof',
            `--cpu-prof-dir=${profDir}`,
            `--cpu-prof-name=round${round}.cpuprofile`,
          ],
        }
      : {}),
  });
  try {
    return await fetchThroughModgate(modgate.url, set.targets, set.modules, concurrency);
  } finally {
    await modgate.stop();
    await removeTree(dataDir);
  }
}

async function goViaModgateRound(
  set: BenchRepoSet,
  fx: GitFixture,
  port: number,
  go: GoDirect,
): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'modgate-bench-direct-data-'));
  const modgate = await startDirectModgate({ dataDir, daemonPort: port, env: fx.env });
  try {
    const { ms, results } = await go.download(set.targets, modgate.url);
    const failed = [...results.values()].filter((d) => d.Error !== undefined);
    if (failed.length > 0) throw new Error(`go via modgate: ${failed[0]!.Error!}`);
    return ms;
  } finally {
    await modgate.stop();
    await removeTree(dataDir);
  }
}

async function main(): Promise<void> {
  const fx = await GitFixture.create();
  const scratch = await mkdtemp(join(tmpdir(), 'modgate-bench-direct-'));
  try {
    log('building repositories…');
    const set = await buildBenchRepos(fx, Number(opts.libs));
    const port = await fx.startDaemon();
    const go = new GoDirect(join(scratch, 'go'), port);
    await go.setUp();
    log(
      `${set.repos} repositories, ${set.files} files at their first commit, ` +
        `${set.targets.length} module versions/queries of ${set.modules.length} modules, ` +
        `${rounds} rounds, client concurrency ${concurrency}`,
    );

    const results: Round[] = [];
    let mismatches: string[] = [];
    let firstFetch: FetchResult | undefined;
    for (let r = 0; r < rounds; r++) {
      // Alternate who goes first: page cache and CPU frequency favour neither side.
      let modgate: FetchResult | undefined;
      let goRun: { ms: number; results: Map<string, GoDownload> } | undefined;
      const steps = [
        async () => (modgate = await modgateRound(set, fx, port, r)),
        async () => (goRun = await go.download(set.targets, 'direct')),
      ];
      if (r % 2 === 1) steps.reverse();
      for (const step of steps) await step();
      const round: Round = { modgateMs: modgate!.ms, goDirectMs: goRun!.ms };
      if (opts['via-go']) round.goViaModgateMs = await goViaModgateRound(set, fx, port, go);
      results.push(round);
      firstFetch ??= modgate;
      mismatches.push(...(await compareSums(modgate!, goRun!.results, scratch)));
      log(
        `round ${r + 1}: modgate ${round.modgateMs.toFixed(0)} ms (${modgate!.requests} requests), ` +
          `go direct ${round.goDirectMs.toFixed(0)} ms` +
          (round.goViaModgateMs !== undefined
            ? `, go via modgate ${round.goViaModgateMs.toFixed(0)} ms`
            : ''),
      );
    }

    // Version lists: ours against `go list -m -versions` in direct mode (untimed).
    const goLists = await go.versions(set.modules, 'direct');
    for (const m of set.modules) {
      const ours = JSON.stringify(firstFetch?.lists.get(m) ?? []);
      const theirs = JSON.stringify(goLists.get(m) ?? []);
      if (ours !== theirs) mismatches.push(`${m}: list ${ours}, go ${theirs}`);
    }
    mismatches = [...new Set(mismatches)];

    const m = median(results.map((x) => x.modgateMs));
    const g = median(results.map((x) => x.goDirectMs));
    const viaGo = results.flatMap((x) =>
      x.goViaModgateMs !== undefined ? [x.goViaModgateMs] : [],
    );
    const lines = [
      '',
      `module versions fetched: ${set.targets.length} (+ ${set.modules.length} lists through modgate)`,
      `modgate (cold)                 median ${m.toFixed(0)} ms   rounds ${results.map((x) => x.modgateMs.toFixed(0)).join(' ')}`,
      `go mod download, direct        median ${g.toFixed(0)} ms   rounds ${results.map((x) => x.goDirectMs.toFixed(0)).join(' ')}`,
      ...(viaGo.length > 0
        ? [
            `go mod download via modgate    median ${median(viaGo).toFixed(0)} ms   rounds ${viaGo.map((x) => x.toFixed(0)).join(' ')}`,
          ]
        : []),
      `ratio modgate / go direct: ${(m / g).toFixed(2)}   (below 1: modgate is faster)`,
      `h1 sums and version lists: ${mismatches.length === 0 ? 'identical' : `${mismatches.length} MISMATCHES`}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
    if (opts.out !== undefined) {
      await writeFile(
        opts.out,
        JSON.stringify(
          {
            date: new Date().toISOString(),
            concurrency,
            targets: set.targets.length,
            modules: set.modules.length,
            rounds: results,
            median: { modgateMs: m, goDirectMs: g, ratio: m / g },
            mismatches,
          },
          null,
          2,
        ) + '\n',
      );
    }
    if (mismatches.length > 0) {
      for (const x of mismatches) process.stderr.write(`MISMATCH ${x}\n`);
      process.exitCode = 1;
    }
  } finally {
    await fx.close();
    await removeTree(scratch);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
