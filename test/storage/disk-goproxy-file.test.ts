// The real `go` command is the oracle for the disk layout: a data directory that DiskStorage
// filled must work as `GOPROXY=file://<dataDir>` as it is (Go Modules Reference, "GOPROXY
// protocol"; a file:// proxy is read exactly like the module cache's cache/download tree).
// The module has an upper-case letter so the `!`-escaped path is exercised too. Skipped when
// no `go` binary is installed.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { ZipFile } from 'yazl';
import { DiskStorage } from '../../src/storage/disk/disk-storage.js';
import { infoKey, listKey, modKey, zipKey } from '../../src/storage/module-keys.js';

const hasGo = spawnSync('go', ['version']).status === 0;

const MODULE = 'example.com/MyMod';
const ESCAPED = 'example.com/!my!mod';
const VERSION = 'v1.0.0';
const GO_MOD = `module ${MODULE}\n\ngo 1.19\n`;

/** A minimal module zip: every file under `<module>@<version>/`, no directory entries. */
function moduleZip(): Promise<Buffer> {
  const zip = new ZipFile();
  const mtime = new Date('2024-01-01T00:00:00Z');
  const prefix = `${MODULE}@${VERSION}/`;
  zip.addBuffer(Buffer.from(GO_MOD), `${prefix}go.mod`, { mtime });
  const source = 'package mymod\n\n// Hello greets.\nfunc Hello() string { return "hello" }\n';
  zip.addBuffer(Buffer.from(source), `${prefix}hello.go`, { mtime });
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

function go(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    // The timeout only keeps a hung `go` from hanging the suite; nothing asserts on time.
    execFile('go', args, { cwd, env, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`go ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

test(
  'a DiskStorage data directory works as GOPROXY=file://<dataDir> for the go command',
  { skip: hasGo ? false : 'no go command installed' },
  async () => {
    const root = await mkdtemp(join(tmpdir(), 'modgate-goproxy-file-'));
    const dataDir = join(root, 'data');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: root,
      GOPATH: join(root, 'gopath'),
      GOMODCACHE: join(root, 'modcache'),
      GOCACHE: join(root, 'gocache'),
      GOENV: 'off',
      GOFLAGS: '',
      GO111MODULE: 'on',
      GOTOOLCHAIN: 'local',
      GOPROXY: `file://${dataDir}`,
      GOSUMDB: 'off',
      GONOSUMDB: '',
      GOPRIVATE: '',
    };
    try {
      const storage = await DiskStorage.open(dataDir);
      const zip = await moduleZip();
      await storage.putBytes(listKey(ESCAPED), Buffer.from(`${VERSION}\n`));
      const info = { Version: VERSION, Time: '2024-01-01T00:00:00Z' };
      await storage.putBytes(infoKey(ESCAPED, VERSION), Buffer.from(JSON.stringify(info)));
      await storage.putBytes(modKey(ESCAPED, VERSION), Buffer.from(GO_MOD));
      await storage.putStream(
        zipKey(ESCAPED, VERSION),
        Readable.from([zip], { objectMode: false }),
        zip.length,
      );

      const versions = await go(['list', '-m', '-versions', MODULE], root, env);
      assert.equal(versions.trim(), `${MODULE} ${VERSION}`);

      const out = await go(['mod', 'download', '-json', `${MODULE}@${VERSION}`], root, env);
      const downloaded = JSON.parse(out) as {
        Path: string;
        Version: string;
        Error?: string;
        Zip: string;
        Sum: string;
        GoModSum: string;
      };
      assert.equal(downloaded.Error, undefined);
      assert.equal(downloaded.Path, MODULE);
      assert.equal(downloaded.Version, VERSION);
      assert.match(downloaded.Sum, /^h1:[A-Za-z0-9+/]{43}=$/);
      assert.match(downloaded.GoModSum, /^h1:[A-Za-z0-9+/]{43}=$/);
      // The go command's cache holds exactly the bytes the data directory served.
      assert.deepEqual(await readFile(downloaded.Zip), zip);
      assert.ok(downloaded.Zip.includes(join(ESCAPED, '@v', `${VERSION}.zip`)));
    } finally {
      // The module cache is read-only by design; the go command knows how to remove it.
      await go(['clean', '-modcache'], root, env).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    }
  },
);
