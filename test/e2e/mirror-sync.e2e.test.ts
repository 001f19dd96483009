// mirror sync end to end (issue 13 item 4): two modgates; the downstream pulls by the
// upstream's index feed what it lacks, verified like an import against the test checksum
// database's key; interrupted mid-way and resumed, it ends byte-identical for the set.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { syncFrom } from '../../src/mirror/index.js';
import { StoreTimeLog } from '../../src/service/store-time-log.js';
import { StoreTimeRecording } from '../../src/service/store-time-recording.js';
import { DiskStorage } from '../../src/storage/index.js';
import { parseGosumdb } from '../../src/sumdb/gosumdb-config.js';
import type { FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { listFiles } from '../support/list-files.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { BundleEnv } from '../mirror/bundle-env.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'modgate.js');

const modules: FixtureModule[] = ['a', 'b', 'c'].flatMap((name) =>
  ['v1.0.0', 'v1.1.0'].map((version) => ({
    path: `example.com/${name}`,
    version,
    files: { [`${name}.go`]: `package ${name}\n\nconst V = "${version}"\n` },
  })),
);

function modgate(
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MODGATE_')) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

interface Report {
  resumedFrom?: string;
  cursor?: string;
  listed: number;
  stored: number;
  present: number;
}

describe('mirror sync between two modgates', () => {
  let env: BundleEnv;
  let upstream: ModgateInstance;
  let downstreamDir: string;
  /** The database as the downstream configures it: its key, and an address with nothing. */
  let sumdb: string;
  const files = modules.flatMap((m) =>
    ['info', 'mod', 'zip'].map((ext) => `${m.path}/@v/${m.version}.${ext}`),
  );

  before(async () => {
    env = await BundleEnv.create(modules, 300);
    upstream = await startModgate({
      upstream: env.fixture.url,
      settings: {
        'sumdb.databases': `${env.db.verifierKey} ${env.db.url}`,
        'sumdb.verify': 'true',
      },
    });
    for (const f of files) {
      const res = await fetch(`${upstream.url}/${f}`);
      assert.equal(res.status, 200, f);
      await res.arrayBuffer();
    }
    await upstream.settle();
    downstreamDir = await mkdtemp(join(tmpdir(), 'modgate-sync-down-'));
    sumdb = `${env.db.verifierKey} http://127.0.0.1:9`;
  });
  after(async () => {
    await upstream?.stop();
    await env?.close();
    await rm(downstreamDir, { recursive: true, force: true });
  });

  test('interrupted mid-way, resumed, and byte-identical at the end', async () => {
    const feed = await (await fetch(`${upstream.url}/index`)).text();
    assert.equal(feed.trim().split('\n').length, modules.length, feed);

    // A first sync, aborted once its second batch is exported and before it is stored.
    const disk = await DiskStorage.open(downstreamDir);
    const storage = new StoreTimeRecording(disk, new StoreTimeLog(disk));
    const db = parseGosumdb(sumdb);
    assert.ok(db);
    const abort = new AbortController();
    let exported = 0;
    await assert.rejects(
      syncFrom({
        from: upstream.url,
        storage,
        databases: [db],
        isPrivate: () => false,
        batch: 2,
        signal: abort.signal,
        onBatch: (e) => {
          if (e.phase === 'exported' && ++exported === 2) abort.abort(new Error('stop here'));
        },
      }),
      /stop here/,
    );
    await storage.close();
    const partial = (await listFiles(downstreamDir)).filter((f) => f.endsWith('.zip'));
    assert.equal(partial.length, 2, partial.join(' '));
    assert.ok((await listFiles(downstreamDir)).some((f) => f.startsWith('mirror-sync/')));

    // Resumed by the CLI: continues from the cursor, stores the rest.
    const r = await modgate([
      'mirror',
      'sync',
      '--from',
      upstream.url,
      '--data-dir',
      downstreamDir,
      '--sumdb',
      sumdb,
      '--batch',
      '2',
      '--json',
    ]);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout) as Report;
    assert.ok(report.resumedFrom !== undefined);
    assert.equal(report.stored, modules.length - 2);
    assert.equal(report.present + report.stored, report.listed);

    // Byte-identical for the set.
    for (const f of files) {
      const [a, b] = await Promise.all([
        readFile(join(upstream.dataDir, f)),
        readFile(join(downstreamDir, f)),
      ]);
      assert.ok(a.equals(b), f);
    }
    // The synced data directory is a GOPROXY tree as it is (rsync it, serve it statically).
    const go = await GoSandbox.create();
    try {
      const dl = await go.run(['mod', 'download', '-json', 'example.com/b@v1.1.0'], {
        proxy: pathToFileURL(downstreamDir).href,
      });
      assert.equal(dl.code, 0, dl.stderr);
    } finally {
      await go.cleanup();
    }
    // With the database's records and tiles to serve to verifying clients.
    assert.ok(await stat(join(downstreamDir, 'sumdb', env.db.name, 'latest')));

    // Nothing left to do; the downstream's own feed lists what it synced.
    const again = await modgate([
      'mirror',
      'sync',
      '--from',
      upstream.url,
      '--data-dir',
      downstreamDir,
      '--sumdb',
      sumdb,
      '--json',
    ]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as Report).stored, 0);
    const down = await startModgate({ upstream: 'off', dataDir: downstreamDir });
    try {
      const ownFeed = await (await fetch(`${down.url}/index`)).text();
      assert.equal(ownFeed.trim().split('\n').length, modules.length, ownFeed);
    } finally {
      await down.stop();
    }
  });

  test('a tampered upstream is refused and nothing of the batch is stored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modgate-sync-bad-'));
    try {
      // The downstream trusts another database key: the upstream's head does not verify.
      const other = await BundleEnv.create([], 10);
      try {
        const r = await modgate([
          'mirror',
          'sync',
          '--from',
          upstream.url,
          '--data-dir',
          dir,
          '--sumdb',
          `${other.db.verifierKey} http://127.0.0.1:9`,
        ]);
        assert.equal(r.status, 1, r.stdout);
        assert.match(r.stderr, /modgate mirror sync: refused: /);
      } finally {
        await other.close();
      }
      assert.deepEqual(
        (await listFiles(dir)).filter((f) => f.includes('/@v/')),
        [],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
