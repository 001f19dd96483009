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
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hashGoMod } from '../../src/zip/index.js';
import { hashZipFile } from '../../src/zip/files/index.js';
import { canConnect, freePort } from '../../test/support/net.js';
import type { BenchTarget } from '../direct/bench-repos.js';
import { fetchThroughModgate, type FetchResult } from '../direct/fetch-through-modgate.js';
import { GoDirect, removeTree, type GoDownload } from '../direct/go-direct.js';
import { startDirectModgate } from '../direct/modgate-process.js';
import { runCommand } from '../run-command.js';
import { DEFAULT_SHAPE, MODULE_PREFIX, ensureMonorepo, moduleName } from './monorepo.js';

const { values: opts } = parseArgs({
  options: {
    modules: { type: 'string', default: String(DEFAULT_SHAPE.modules) },
    commits: { type: 'string', default: String(DEFAULT_SHAPE.commits) },
    'blob-kib': { type: 'string', default: String(DEFAULT_SHAPE.blobBytes / 1024) },
    concurrency: { type: 'string', default: '2' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  process.stdout.write(
    'options: --modules N (60) --commits N (2600) --blob-kib N (200) --concurrency N (2, ' +
      "the go command's GOMAXPROCS here) --out FILE (JSON results)\n",
  );
  process.exit(0);
}

function log(msg: string): void {
  process.stderr.write(`[bench:monorepo] ${msg}\n`);
}

/** A TCP relay in front of git daemon that counts the bytes sent to clients. */
async function countingRelay(
  target: number,
): Promise<{ port: number; server: Server; bytes: () => number; reset: () => void }> {
  let received = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    upstream.on('data', (c: Buffer) => (received += c.length));
    client.pipe(upstream).pipe(client);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    port,
    server,
    bytes: () => received,
    reset: () => {
      received = 0;
    },
  };
}

async function startDaemon(root: string): Promise<{ port: number; stop: () => void }> {
  const port = await freePort();
  const child = spawn(
    'git',
    [
      'daemon',
      '--export-all',
      `--base-path=${root}`,
      '--reuseaddr',
      '--listen=127.0.0.1',
      `--port=${port}`,
      root,
    ],
    { detached: true, stdio: 'ignore' },
  );
  for (let i = 0; i < 200 && !(await canConnect(port)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    stop: () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    },
  };
}

async function countFiles(dir: string): Promise<number> {
  return (await readdir(dir).catch(() => [])).length;
}

interface Side {
  ms: number;
  bytes: number;
  gitProcesses: number;
}

async function main(): Promise<void> {
  const shape = {
    modules: Number(opts.modules),
    commits: Number(opts.commits),
    blobBytes: Number(opts['blob-kib']) * 1024,
  };
  let t = performance.now();
  const { root, info } = await ensureMonorepo(shape);
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

  const daemon = await startDaemon(root);
  const relay = await countingRelay(daemon.port);
  const scratch = await mkdtemp(join(tmpdir(), 'modgate-bench-monorepo-'));
  const loadBefore = (await readFile('/proc/loadavg', 'utf8')).trim();
  try {
    // The go command: download every target, then list (two processes, both timed).
    const goTrace = join(scratch, 'go-trace2');
    await mkdir(goTrace);
    const go = new GoDirect(join(scratch, 'go'), relay.port, { GIT_TRACE2_EVENT: goTrace });
    await go.setUp();
    relay.reset();
    t = performance.now();
    const goDl = await go.download(targets, 'direct');
    const goList = await go.versions([listed], 'direct');
    const goSide: Side = {
      ms: performance.now() - t,
      bytes: relay.bytes(),
      gitProcesses: await countFiles(goTrace),
    };
    log(
      `go: ${(goSide.ms / 1000).toFixed(1)} s, ${(goSide.bytes / 1e6).toFixed(1)} MB, ${goSide.gitProcesses} git processes`,
    );

    // modgate, cold.
    const mgTrace = join(scratch, 'modgate-trace2');
    await mkdir(mgTrace);
    const home = join(scratch, 'home');
    await mkdir(home);
    const modgate = await startDirectModgate({
      dataDir: join(scratch, 'data'),
      daemonPort: relay.port,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TRACE2_EVENT: mgTrace,
      },
    });
    let ours: FetchResult;
    const startedProcesses = await countFiles(mgTrace);
    relay.reset();
    try {
      ours = await fetchThroughModgate(modgate.url, targets, [listed], Number(opts.concurrency));
    } finally {
      await modgate.stop();
    }
    const mgSide: Side = {
      ms: ours.ms,
      bytes: relay.bytes(),
      gitProcesses: (await countFiles(mgTrace)) - startedProcesses,
    };
    log(
      `modgate: ${(mgSide.ms / 1000).toFixed(1)} s, ${(mgSide.bytes / 1e6).toFixed(1)} MB, ${mgSide.gitProcesses} git processes`,
    );
    const loadAfter = (await readFile('/proc/loadavg', 'utf8')).trim();

    // Same answers?
    const bad = await compare(ours, goDl.results, goList, scratch);
    const row = (name: string, s: Side): string =>
      `${name.padEnd(28)} ${(s.ms / 1000).toFixed(1).padStart(8)} s ${(s.bytes / 1e6).toFixed(1).padStart(9)} MB ${String(s.gitProcesses).padStart(6)}`;
    process.stdout.write(
      [
        `${''.padEnd(28)} ${'wall'.padStart(10)} ${'received'.padStart(12)} ${'git'.padStart(6)}`,
        row('GOPROXY=direct go (cold)', goSide),
        row('modgate (cold)', mgSide),
        `ratio modgate/go: time ${(mgSide.ms / goSide.ms).toFixed(3)}, bytes ${(mgSide.bytes / goSide.bytes).toFixed(3)}, git processes ${(mgSide.gitProcesses / goSide.gitProcesses).toFixed(3)}`,
        `load average before: ${loadBefore}; after: ${loadAfter}`,
        bad.length === 0
          ? 'answers: all equal to the go command'
          : `MISMATCHES:\n${bad.join('\n')}`,
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
            targets: targets.length,
            go: goSide,
            modgate: mgSide,
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
    daemon.stop();
    await removeTree(scratch);
  }
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
