/**
 * Monorepo benchmark (issue 16): a generated repository with ≥ 50 modules in subdirectories,
 * ≥ 2,000 tags and ≥ 500 MB of history, served by `git daemon` on 127.0.0.1 behind a byte
 * counting TCP relay. For 10 tagged versions of 10 modules, one pseudo-version and one list,
 * it prints wall time, bytes received from the remote and git processes spawned, for a cold
 * modgate (fresh data directory) and for `GOPROXY=direct go mod download` with an empty module
 * cache, from one run; versions and h1 sums must agree. See README.md.
 *
 *   npm run build && flock /tmp/modgate-bench.lock node dist/bench/monorepo/run.js
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hashGoMod } from '../../src/zip/index.js';
import { hashZipFile } from '../../src/zip/files/index.js';
import type { BenchTarget } from '../direct/bench-repos.js';
import { fetchThroughModgate, type FetchResult } from '../direct/fetch-through-modgate.js';
import { GoDirect, removeTree, type GoDownload } from '../direct/go-direct.js';
import { startDirectModgate } from '../direct/modgate-process.js';
import { repoRoot } from '../paths.js';
import { runCommand } from '../run-command.js';
import { DEFAULT_SHAPE, MODULE_PREFIX, ensureMonorepo, moduleName } from './monorepo.js';
import { countingRelay, startDaemon } from './serve.js';
import { formatTrace, traceSummary, type TraceRow } from './trace-summary.js';

const { values: opts } = parseArgs({
  options: {
    modules: { type: 'string', default: String(DEFAULT_SHAPE.modules) },
    commits: { type: 'string', default: String(DEFAULT_SHAPE.commits) },
    'blob-kib': { type: 'string', default: String(DEFAULT_SHAPE.blobBytes / 1024) },
    concurrency: { type: 'string', default: '2' },
    side: { type: 'string', multiple: true },
    'skip-go': { type: 'boolean', default: false },
    'keep-traces': { type: 'string' },
    'packed-refs': { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  process.stdout.write(
    'options: --modules N (60) --commits N (2600) --blob-kib N (200) --concurrency N (2, ' +
      "the go command's GOMAXPROCS here) --out FILE (JSON results)\n" +
      '  --side LABEL=ROOT[,nofilter][,v0]  a cold modgate from the built checkout ROOT (. = ' +
      'this one), repeatable (an A/B in one run); nofilter: the server refuses partial-clone ' +
      "filters; v0: modgate's git speaks protocol v0 (as over ssh without GIT_PROTOCOL). " +
      'Default: one side modgate=.\n' +
      '  --skip-go  no go command side (profiling only: no ratios)\n' +
      "  --keep-traces DIR  copy each side's GIT_TRACE2_EVENT files to DIR/<label>/ (profiling)\n",
  );
  process.exit(0);
}

function log(msg: string): void {
  process.stderr.write(`[bench:monorepo] ${msg}\n`);
}

/** One modgate to measure: a built checkout, and how the server and its git behave. */
interface SideSpec {
  label: string;
  root: string;
  /** The server refuses partial-clone filters (uploadpack.allowFilter=false). */
  noFilter: boolean;
  /** modgate's git uses protocol v0 (no fetching of unadvertised objects by id). */
  v0: boolean;
}

function parseSide(text: string): SideSpec {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`--side ${text}: LABEL=ROOT[,nofilter][,v0]`);
  const [root = '.', ...flags] = text.slice(eq + 1).split(',');
  for (const f of flags) {
    if (f !== 'nofilter' && f !== 'v0') throw new Error(`--side ${text}: unknown flag ${f}`);
  }
  return {
    label: text.slice(0, eq),
    root: root === '.' ? repoRoot : resolve(root),
    noFilter: flags.includes('nofilter'),
    v0: flags.includes('v0'),
  };
}

async function countFiles(dir: string): Promise<number> {
  return (await readdir(dir).catch(() => [])).length;
}

interface Side {
  ms: number;
  bytes: number;
  gitProcesses: number;
  /**
   * CPU seconds of the client side: the go command or modgate, with every git process it ran
   * (not the server's). Less noisy than wall time on a loaded machine.
   */
  cpuSeconds: number;
}

/**
 * CPU seconds (user + system) of this process's children reaped so far (/proc/self/stat
 * cutime + cstime, in clock ticks of 1/100 s): the go command once it exited, modgate and its
 * git processes once modgate stopped. git daemon is reaped only at the end.
 */
async function childCpuSeconds(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, cutime field 16, cstime field 17.
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / 100;
}

async function main(): Promise<void> {
  const shape = {
    modules: Number(opts.modules),
    commits: Number(opts.commits),
    blobBytes: Number(opts['blob-kib']) * 1024,
  };
  let t = performance.now();
  const generated = await ensureMonorepo(shape);
  const { info } = generated;
  const root = opts['packed-refs'] ? await packedCopy(generated.root) : generated.root;
  log(
    `repository ${root}/mono.git: ${shape.modules} modules, ${info.tagCount} tags, ` +
      `${shape.commits + 1} commits, ${(info.packBytes / 1e6).toFixed(0)} MB packed ` +
      `(ready in ${((performance.now() - t) / 1000).toFixed(1)} s)`,
  );

  // 10 tagged versions of 10 modules, spread over each module's tags.
  const targets: BenchTarget[] = [];
  for (let m = 0; m < 10; m++) {
    const name = moduleName(m);
    const versions = info.tags[name] ?? [];
    for (let k = 0; k < 10; k++) {
      const v = versions[Math.floor((k * versions.length) / 10)];
      if (v !== undefined) targets.push({ path: `${MODULE_PREFIX}/${name}`, query: v });
    }
  }
  // One pseudo-version: `@main` of a module whose last change (tagged) is just behind main's
  // tip (go: a complete fetch for RecentTag; modgate: main's history deepened).
  const tipModule = shape.commits % shape.modules;
  let j = shape.commits - 1;
  while (j % 7 === 3 || j % shape.modules === tipModule) j--;
  const pseudo = moduleName(j % shape.modules);
  targets.push({ path: `${MODULE_PREFIX}/${pseudo}`, query: 'main' });
  const listed = `${MODULE_PREFIX}/${moduleName(0)}`;
  log(`${targets.length} targets (${pseudo}@main the pseudo-version) and the list of ${listed}`);

  const sides = (opts.side ?? ['modgate=.']).map(parseSide);
  const daemon = await startDaemon(root);
  const relay = await countingRelay(daemon.port);
  // The same repository from a server that refuses partial-clone filters.
  const plainDaemon = await startDaemon(root, { 'uploadpack.allowFilter': 'false' });
  const plainRelay = await countingRelay(plainDaemon.port);
  const scratch = await mkdtemp(join(tmpdir(), 'modgate-bench-monorepo-'));
  const loadBefore = (await readFile('/proc/loadavg', 'utf8')).trim();
  try {
    const rows: Array<{ label: string; side: Side; trace: TraceRow[] }> = [];
    // The go command: download every target, then list (two processes, both timed).
    let goAnswers: { dl: Map<string, GoDownload>; list: Map<string, string[]> } | undefined;
    if (!opts['skip-go']) {
      const goTrace = join(scratch, 'go-trace2');
      await mkdir(goTrace);
      const go = new GoDirect(join(scratch, 'go'), relay.port, { GIT_TRACE2_EVENT: goTrace });
      await go.setUp();
      relay.reset();
      const cpu0 = await childCpuSeconds();
      t = performance.now();
      const goDl = await go.download(targets, 'direct');
      const goList = await go.versions([listed], 'direct');
      const side: Side = {
        ms: performance.now() - t,
        bytes: relay.bytes(),
        gitProcesses: await countFiles(goTrace),
        cpuSeconds: (await childCpuSeconds()) - cpu0,
      };
      goAnswers = { dl: goDl.results, list: goList };
      rows.push({ label: 'GOPROXY=direct go (cold)', side, trace: await traceSummary(goTrace) });
      if (opts['keep-traces'] !== undefined) {
        await cp(goTrace, join(opts['keep-traces'], 'go'), { recursive: true });
      }
      log(`go: ${describeSide(side)}`);
    }

    // Each modgate, cold.
    const bad: string[] = [];
    let reference: FetchResult | undefined;
    for (const [i, spec] of sides.entries()) {
      const { side, result, trace } = await runModgate(spec, i, {
        scratch,
        port: spec.noFilter ? plainRelay.port : relay.port,
        relay: spec.noFilter ? plainRelay : relay,
        targets,
        listed,
      });
      rows.push({ label: `${spec.label} (cold)`, side, trace });
      log(`${spec.label}: ${describeSide(side)}`);
      if (goAnswers !== undefined) {
        for (const b of await compare(result, goAnswers.dl, goAnswers.list, scratch)) {
          bad.push(`${spec.label}: ${b}`);
        }
      } else if (reference === undefined) {
        reference = result;
      } else {
        for (const b of sameAnswers(reference, result)) bad.push(`${spec.label}: ${b}`);
      }
    }
    const loadAfter = (await readFile('/proc/loadavg', 'utf8')).trim();

    const row = (name: string, s: Side): string =>
      `${name.padEnd(28)} ${(s.ms / 1000).toFixed(1).padStart(8)} s ${(s.bytes / 1e6).toFixed(1).padStart(9)} MB ${String(s.gitProcesses).padStart(6)} ${s.cpuSeconds.toFixed(1).padStart(7)} s`;
    const goRow = goAnswers !== undefined ? rows[0] : undefined;
    const ratios = goRow
      ? rows
          .slice(1)
          .map(
            (r) =>
              `ratio ${r.label}/go: time ${(r.side.ms / goRow.side.ms).toFixed(3)}, bytes ` +
              `${(r.side.bytes / goRow.side.bytes).toFixed(3)}, git processes ` +
              `${(r.side.gitProcesses / goRow.side.gitProcesses).toFixed(3)}, client CPU ` +
              `${(r.side.cpuSeconds / goRow.side.cpuSeconds).toFixed(3)}`,
          )
      : [];
    process.stdout.write(
      [
        `${''.padEnd(28)} ${'wall'.padStart(10)} ${'received'.padStart(12)} ${'git'.padStart(6)} ${'cpu'.padStart(9)}`,
        ...rows.map((r) => row(r.label, r.side)),
        ...ratios,
        `load average before: ${loadBefore}; after: ${loadAfter}`,
        bad.length === 0
          ? goAnswers !== undefined
            ? 'answers: all equal to the go command'
            : 'answers: all sides equal (go command skipped)'
          : `MISMATCHES:\n${bad.join('\n')}`,
        ...rows.map((r) => formatTrace(r.label, r.trace)),
        '',
      ].join('\n'),
    );
    if (opts.out !== undefined) {
      const head = await runCommand(['git', 'rev-parse', '--short', 'HEAD']).catch(() => ({
        stdout: '?',
      }));
      await writeFile(
        opts.out,
        JSON.stringify(
          {
            commit: head.stdout.trim(),
            shape,
            tags: info.tagCount,
            packBytes: info.packBytes,
            packedRefs: opts['packed-refs'],
            targets: targets.length,
            sides: sides.map((s) => ({ ...s, root: s.root === repoRoot ? '.' : s.root })),
            results: rows.map((r) => ({ label: r.label, ...r.side, git: r.trace })),
            loadBefore,
            loadAfter,
            mismatches: bad,
          },
          null,
          2,
        ) + '\n',
      );
    }
    if (bad.length > 0) process.exitCode = 1;
  } finally {
    relay.server.close();
    plainRelay.server.close();
    daemon.stop();
    plainDaemon.stop();
    await removeTree(scratch);
  }
}

/**
 * `<root>-packed/mono.git`: a bare clone of the repository sharing its objects
 * (`--shared`: objects/info/alternates) whose refs are in one packed-refs file, as on a
 * server that ran `git gc` — made once.
 */
async function packedCopy(root: string): Promise<string> {
  const packed = `${root}-packed`;
  const dir = join(packed, 'mono.git');
  if (!(await readFile(join(dir, 'packed-refs')).catch(() => undefined))) {
    await rm(packed, { recursive: true, force: true });
    await mkdir(packed, { recursive: true });
    await runCommand([
      'git',
      'clone',
      '--bare',
      '--shared',
      '--quiet',
      join(root, 'mono.git'),
      dir,
    ]);
    await runCommand(['git', '--git-dir', dir, 'config', 'uploadpack.allowFilter', 'true']);
  }
  return packed;
}

function describeSide(s: Side): string {
  return `${(s.ms / 1000).toFixed(1)} s, ${(s.bytes / 1e6).toFixed(1)} MB, ${s.gitProcesses} git processes, ${s.cpuSeconds.toFixed(1)} CPU s`;
}

/** One cold modgate (a fresh data directory, so an empty git cache) fetching every target. */
async function runModgate(
  spec: SideSpec,
  index: number,
  ctx: {
    scratch: string;
    port: number;
    relay: { bytes: () => number; reset: () => void };
    targets: BenchTarget[];
    listed: string;
  },
): Promise<{ side: Side; result: FetchResult; trace: TraceRow[] }> {
  const dir = join(ctx.scratch, `modgate-${index}`);
  const trace = join(dir, 'trace2');
  const home = join(dir, 'home');
  await mkdir(trace, { recursive: true });
  await mkdir(home, { recursive: true });
  const cpu0 = await childCpuSeconds();
  const modgate = await startDirectModgate({
    dataDir: join(dir, 'data'),
    daemonPort: ctx.port,
    root: spec.root,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TRACE2_EVENT: trace,
      ...(spec.v0
        ? { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'protocol.version', GIT_CONFIG_VALUE_0: '0' }
        : {}),
    },
  });
  let result: FetchResult;
  const started = new Set(await readdir(trace));
  ctx.relay.reset();
  try {
    result = await fetchThroughModgate(
      modgate.url,
      ctx.targets,
      [ctx.listed],
      Number(opts.concurrency),
    );
  } finally {
    await modgate.stop();
  }
  const bytes = ctx.relay.bytes();
  // Processes of modgate's start-up (its git configuration probe) are not counted.
  for (const f of started) await rm(join(trace, f));
  if (opts['keep-traces'] !== undefined) {
    await cp(trace, join(opts['keep-traces'], spec.label), { recursive: true });
  }
  return {
    side: {
      ms: result.ms,
      bytes,
      gitProcesses: await countFiles(trace),
      cpuSeconds: (await childCpuSeconds()) - cpu0,
    },
    result,
    trace: await traceSummary(trace),
  };
}

/** Without the go command: every side must answer what the first side answered. */
function sameAnswers(a: FetchResult, b: FetchResult): string[] {
  const bad: string[] = [];
  const byKey = new Map(a.versions.map((v) => [`${v.path}@${v.query}`, v]));
  for (const v of b.versions) {
    const key = `${v.path}@${v.query}`;
    const want = byKey.get(key);
    if (want === undefined) bad.push(`${key}: not answered by the first side`);
    else if (want.version !== v.version)
      bad.push(`${key}: version ${v.version} vs ${want.version}`);
    else if (!want.mod.equals(v.mod) || !want.zip.equals(v.zip)) bad.push(`${key}: bytes differ`);
  }
  for (const [m, list] of b.lists) {
    if (list.join(' ') !== (a.lists.get(m) ?? []).join(' ')) bad.push(`${m}: list differs`);
  }
  return bad;
}

async function compare(
  ours: FetchResult,
  go: Map<string, GoDownload>,
  goLists: Map<string, string[]>,
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
    if (hashGoMod(v.mod) !== want.GoModSum) bad.push(`${key}: go.mod sum differs`);
    const file = join(scratch, `z${n++}.zip`);
    await writeFile(file, v.zip);
    if ((await hashZipFile(file)) !== want.Sum) bad.push(`${key}: zip sum differs`);
    await rm(file);
  }
  for (const [m, list] of ours.lists) {
    const want = goLists.get(m) ?? [];
    if (list.join(' ') !== want.join(' '))
      bad.push(`${m}: list differs (${list.length} vs ${want.length})`);
  }
  return bad;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
