// Several modgate processes on one data directory. Each keeps its scratch files (zips being
// downloaded in .spool/, writes in .staging/) in a directory of its own with a heartbeat, so
// one starting or stopping never touches another's download, and what a killed one left is
// removed once its heartbeat is stale (src/storage/disk/instance-dir.ts).
//
// The upstream is a GOPROXY server in this file that sends the first half of a 32 MiB zip and
// then holds the rest until the test releases it: the download is provably in progress (bytes
// in the spool) while the other instance starts and stops.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, stat, utimes } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import yazl from 'yazl';
import { startModgate } from '../support/modgate-instance.js';

// Compiled to dist/test/e2e/, so the repository root is three levels up.
const BIN = fileURLToPath(new URL('../../../bin/modgate.js', import.meta.url));
const MODULE = 'example.com/big';
const VERSION = 'v1.0.0';
const ZIP_PATH = `${MODULE}/@v/${VERSION}.zip`;

/** A module zip of about `size` random (incompressible) bytes, entries stored. */
async function bigZip(size: number): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const prefix = `${MODULE}@${VERSION}/`;
  zip.addBuffer(Buffer.from(`module ${MODULE}\n`), `${prefix}go.mod`, { compress: false });
  zip.addBuffer(randomBytes(size), `${prefix}big.bin`, { compress: false });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A GOPROXY upstream serving one module version whose zip stops after its first half until
 * `release()`. `halfSent` settles once that half is written.
 */
class GatedUpstream {
  url = '';
  private open: () => void = () => undefined;
  private gate = new Promise<void>((resolve) => (this.open = resolve));
  private server: Server | undefined;

  constructor(readonly zip: Buffer) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      res.on('error', () => undefined); // a client killed mid-zip
      const path = (req.url ?? '').slice(1);
      const meta: Record<string, string> = {
        [`${MODULE}/@v/list`]: `${VERSION}\n`,
        [`${MODULE}/@v/${VERSION}.info`]: JSON.stringify({
          Version: VERSION,
          Time: '2024-01-02T03:04:05Z',
        }),
        [`${MODULE}/@v/${VERSION}.mod`]: `module ${MODULE}\n`,
      };
      if (path in meta) {
        res.end(meta[path]);
      } else if (path === ZIP_PATH) {
        res.setHeader('content-length', this.zip.length);
        res.setHeader('content-type', 'application/zip');
        const half = Math.floor(this.zip.length / 2);
        res.write(this.zip.subarray(0, half));
        void this.gate.then(() => res.end(this.zip.subarray(half)));
      } else {
        res.statusCode = 404;
        res.end('not found\n');
      }
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  release(): void {
    this.open();
  }

  /** Holds zips again (for the next download). */
  hold(): void {
    this.gate = new Promise<void>((resolve) => (this.open = resolve));
  }

  async close(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** `modgate serve` in a child process, as operators run it, on `dataDir`. */
async function serveChild(upstream: string, dataDir: string) {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('MODGATE_') && !/^(https?|no|all)_proxy$/i.test(k)) env[k] = v;
  }
  // Tests have no route to sum.golang.org: checksum verification is opted into.
  env.MODGATE_SUMDB_VERIFY = 'false';
  const args = ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir];
  args.push('--upstream', upstream, '--log-format', 'json');
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let url = '';
  while (url === '') {
    const found = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output);
    if (found?.[1] !== undefined) url = found[1];
    else if (child.exitCode !== null) assert.fail(`modgate exited at start:\n${output}`);
    else await sleep(20);
  }
  return {
    url,
    /** SIGTERM: a graceful stop; resolves with the exit code. */
    async stop(): Promise<number | null> {
      child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
    async kill(): Promise<void> {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The spool files of zips being downloaded, at any depth of `<dataDir>/.spool`, with sizes. */
async function spooledZips(dataDir: string): Promise<number[]> {
  const spool = join(dataDir, '.spool');
  const names = await readdir(spool, { recursive: true }).catch(() => []);
  const sizes: number[] = [];
  for (const name of names.filter((n) => n.endsWith('.zip'))) {
    const info = await stat(join(spool, name)).catch(() => undefined);
    if (info?.isFile()) sizes.push(info.size);
  }
  return sizes;
}

/** Waits (at most a minute) until half the zip has reached a spool file: the download is in progress. */
async function downloading(dataDir: string, half: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await spooledZips(dataDir)).some((size) => size >= half)) {
    if (Date.now() > deadline) throw new Error('no spool file reached half the zip within 60 s');
    await sleep(20);
  }
}

/** GET a zip to the end; never rejects, so a cut download shows as a short body. */
async function download(url: string): Promise<{ status: number; body: Buffer }> {
  try {
    const res = await fetch(`${url}/${ZIP_PATH}`);
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  } catch (err) {
    return { status: -1, body: Buffer.from(String(err)) };
  }
}

/** Sets the times of everything under `dir` (and `dir`) `ageMs` back. */
async function backdate(dir: string, ageMs: number): Promise<void> {
  const then = new Date(Date.now() - ageMs);
  for (const name of await readdir(dir, { recursive: true })) {
    await utimes(join(dir, name), then, then);
  }
  await utimes(dir, then, then);
}

describe('several modgate processes on one data directory', { timeout: 180_000 }, () => {
  let upstream: GatedUpstream;
  let half: number;
  let root: string;
  before(async () => {
    upstream = new GatedUpstream(await bigZip(32 * 1024 * 1024));
    half = Math.floor(upstream.zip.length / 2);
    await upstream.start();
    root = await mkdtemp(join(tmpdir(), 'modgate-shared-'));
  });
  after(async () => {
    await upstream.close();
    await rm(root, { recursive: true, force: true });
  });

  test('another instance starting and stopping leaves a download in progress alone', async () => {
    const dataDir = join(root, 'one');
    upstream.hold();
    const a = await startModgate({ upstream: upstream.url, dataDir });
    try {
      const fetched = download(a.url);
      await downloading(dataDir, half);
      const b = await serveChild(upstream.url, dataDir);
      assert.equal(await b.stop(), 0, 'the second instance stops cleanly');
      upstream.release();
      const { status, body } = await fetched;
      assert.equal(status, 200, body.subarray(0, 200).toString());
      assert.ok(body.equals(upstream.zip), `the client got ${body.length} bytes, not the zip`);
    } finally {
      await a.stop();
    }
    // Committed behind the client's download (issue 9 item 6), at the latest by the stop.
    const stored = await readFile(join(dataDir, ZIP_PATH));
    assert.ok(stored.equals(upstream.zip), 'the stored zip is the upstream one');
    // Both stopped cleanly: each removed its own directories and nothing else was left.
    assert.deepEqual(await readdir(join(dataDir, '.spool')), []);
    assert.deepEqual(await readdir(join(dataDir, '.staging')), []);
  });

  test('what a killed instance left is removed by a later one once its heartbeat is stale', async () => {
    const dataDir = join(root, 'two');
    upstream.hold();
    const killed = await serveChild(upstream.url, dataDir);
    const cut = download(killed.url);
    await downloading(dataDir, half);
    await killed.kill();
    assert.notEqual((await cut).status, 200);
    const [spoolDir] = await readdir(join(dataDir, '.spool'));
    const [stagingDir] = await readdir(join(dataDir, '.staging'));
    assert.ok(spoolDir !== undefined && stagingDir !== undefined, 'the killed one left both');
    const leftovers = [join(dataDir, '.spool', spoolDir), join(dataDir, '.staging', stagingDir)];

    // Right after the kill its heartbeat is fresh: for all a new instance knows, it is alive
    // (on another host, say), so its files stay.
    const early = await startModgate({ upstream: upstream.url, dataDir });
    await early.stop();
    assert.deepEqual(await spooledZips(dataDir), [half], 'the half-downloaded zip is still there');

    // What eleven minutes without a beat looks like (the bound is ten).
    for (const dir of leftovers) await backdate(dir, 11 * 60_000);
    const later = await startModgate({ upstream: upstream.url, dataDir });
    try {
      for (const dir of leftovers) {
        await assert.rejects(stat(dir), { code: 'ENOENT' }, `${dir} removed at start`);
      }
      upstream.release();
      const { status, body } = await download(later.url);
      assert.equal(status, 200, body.subarray(0, 200).toString());
      assert.ok(body.equals(upstream.zip));
    } finally {
      await later.stop();
    }
    assert.ok((await readFile(join(dataDir, ZIP_PATH))).equals(upstream.zip));
    assert.deepEqual(await readdir(join(dataDir, '.spool')), []);
    assert.deepEqual(await readdir(join(dataDir, '.staging')), []);
  });
});
