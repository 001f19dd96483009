/**
 * The real `go` command as the oracle: zips made by createZip / createZipFromDir, served
 * from a GOPROXY=file:// tree, must be accepted by `go mod download`, and the go.sum hashes
 * Go computes must equal ours (checkZipFile's h1 and hashGoMod). Nothing touches the network:
 * GOPROXY is a local directory, GOSUMDB is off, every Go directory is a fresh temp dir.
 */
import assert from 'node:assert/strict';
import { execFile as execFileCb, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import { escapePath, escapeVersion } from '../../src/module/index.js';
import { writeRawZip } from '../support/write-raw-zip.js';
import { createZip, hashGoMod, type ZipSourceFile } from '../../src/zip/index.js';
import { checkZipFile, createZipFromDir } from '../../src/zip/files/index.js';

const execFile = promisify(execFileCb);
const haveGo = spawnSync('go', ['version']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'modgate-go-zip-'));
after(() => {
  // The module cache is read-only unless -modcacherw; it is, but be thorough.
  spawnSync('chmod', ['-R', 'u+w', work]);
  rmSync(work, { recursive: true, force: true });
});
const proxy = join(work, 'proxy');

function goEnv(): NodeJS.ProcessEnv {
  const home = join(work, 'home');
  return {
    PATH: process.env.PATH,
    HOME: home,
    GOPATH: join(home, 'gopath'),
    GOMODCACHE: join(home, 'modcache'),
    GOCACHE: join(home, 'gocache'),
    GOPROXY: `file://${proxy}`,
    GOSUMDB: 'off',
    GONOSUMCHECK: '1',
    GOFLAGS: '-modcacherw',
    GO111MODULE: 'on',
    GOTOOLCHAIN: 'local',
    GOENV: 'off',
  };
}

interface Published {
  zipHash: string;
  modHash: string;
}

/** Writes .info/.mod/.zip for one version into the file:// proxy; returns our hashes. */
async function publish(
  modulePath: string,
  version: string,
  goMod: string,
  write: (zipPath: string) => Promise<void>,
): Promise<Published> {
  const dir = join(proxy, escapePath(modulePath), '@v');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, escapeVersion(version));
  writeFileSync(`${base}.info`, JSON.stringify({ Version: version, Time: '2020-01-01T00:00:00Z' }));
  writeFileSync(`${base}.mod`, goMod);
  await write(`${base}.zip`);
  writeFileSync(join(dir, 'list'), `${version}\n`);
  const checked = await checkZipFile(`${base}.zip`, modulePath, version);
  return { zipHash: checked.hash, modHash: hashGoMod(Buffer.from(goMod)) };
}

async function toFile(
  path: string,
  run: (out: NodeJS.WritableStream) => Promise<void>,
): Promise<void> {
  const out = createWriteStream(path);
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
  });
  await run(out);
  await closed;
}

interface Download {
  Path: string;
  Version: string;
  Sum: string;
  GoModSum: string;
  Dir: string;
  Error?: string;
}

async function goModDownload(modulePath: string, version: string): Promise<Download> {
  const cwd = join(work, 'cwd');
  mkdirSync(cwd, { recursive: true });
  const { stdout } = await execFile(
    'go',
    ['mod', 'download', '-json', `${modulePath}@${version}`],
    {
      cwd,
      env: goEnv(),
      timeout: 120_000,
    },
  ).catch((err: { stdout?: string; stderr?: string }) => {
    throw new Error(`go mod download failed: ${err.stderr ?? ''} ${err.stdout ?? ''}`);
  });
  return JSON.parse(stdout) as Download;
}

const mem = (path: string, data: string): ZipSourceFile => ({
  path,
  mode: 'file',
  size: Buffer.byteLength(data),
  open: () => Buffer.from(data),
});

describe(
  'go mod download accepts our zips and agrees on h1',
  { skip: !haveGo && 'no go command' },
  () => {
    test('spec appendix A module (createZip)', async () => {
      const path = 'example.com/hello';
      const version = 'v0.0.0-20200101000000-abcdefabcdef';
      const goMod = 'module example.com/hello\n';
      const ours = await publish(path, version, goMod, (zip) =>
        toFile(zip, (out) =>
          createZip(
            path,
            version,
            [mem('go.mod', goMod), mem('hello.go', 'package hello\n')],
            out as never,
          ),
        ),
      );
      assert.equal(ours.zipHash, 'h1:rR9ty4nEYI4ldnjx1sS+Jh9YJMrVUuDGO2UJd95CGRY=');
      assert.equal(ours.modHash, 'h1:fpu2YBs8Cn+uPELS7pdczZmF9hlK1PibTkwahffYMfo=');
      const got = await goModDownload(path, version);
      assert.equal(got.Error, undefined);
      assert.equal(got.Sum, ours.zipHash);
      assert.equal(got.GoModSum, ours.modHash);
      assert.equal(readFileSync(join(got.Dir, 'hello.go'), 'utf8'), 'package hello\n');
    });

    test('a tree with vendor dirs, a nested module, VCS dirs and non-ASCII names (createZipFromDir)', async () => {
      const path = 'example.com/Tree/v2';
      const version = 'v2.1.0-rc.1';
      const goMod = 'module example.com/Tree/v2\n\ngo 1.13\n';
      const src = join(work, 'tree');
      const files: Record<string, string> = {
        'go.mod': goMod,
        'tree.go': 'package tree\n',
        LICENSE: 'MIT\n',
        'Ünïcode/été.go': 'package unicode\n',
        'vendor/modules.txt': '# kept before go 1.24\n',
        'vendor/example.com/dep/dep.go': 'package dep\n',
        'pkg/vendor/vendor.go': 'package vendor\n',
        'nested/go.mod': 'module example.com/Tree/v2/nested\n',
        'nested/n.go': 'package nested\n',
        '.git/config': '[core]\n',
        '.hg_archival.txt': 'repo: x\n',
      };
      for (const [name, data] of Object.entries(files)) {
        const p = join(src, ...name.split('/'));
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, data);
      }
      const ours = await publish(path, version, goMod, (zip) =>
        toFile(zip, (out) => createZipFromDir(src, path, version, out as never)),
      );
      const got = await goModDownload(path, version);
      assert.equal(got.Error, undefined);
      assert.equal(got.Sum, ours.zipHash);
      assert.equal(got.GoModSum, ours.modHash);
      assert.equal(readFileSync(join(got.Dir, 'Ünïcode', 'été.go'), 'utf8'), 'package unicode\n');
    });

    test('a zip we reject is rejected by go as well (nested go.mod)', async () => {
      const path = 'example.com/bad';
      const version = 'v1.0.0';
      const dir = join(proxy, 'example.com', 'bad', '@v');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'v1.0.0.info'), JSON.stringify({ Version: version }));
      writeFileSync(join(dir, 'v1.0.0.mod'), 'module example.com/bad\n');
      writeRawZip(join(dir, 'v1.0.0.zip'), [
        { name: 'example.com/bad@v1.0.0/go.mod', data: 'module example.com/bad\n' },
        { name: 'example.com/bad@v1.0.0/sub/go.mod', data: 'module example.com/bad/sub\n' },
      ]);
      await assert.rejects(
        checkZipFile(join(dir, 'v1.0.0.zip'), path, version),
        /go\.mod file not in module root directory/,
      );
      await assert.rejects(
        goModDownload(path, version),
        /go\.mod file not in module root directory/,
      );
    });
  },
);
