import { spawn } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { runCommand } from '../run-command.js';

/** Bumped whenever the generated repository changes: it names the cache directory. */
export const GENERATOR_VERSION = 1;

export interface MonorepoShape {
  /** Modules, each in its own subdirectory `modNN/` with its own go.mod. */
  modules: number;
  /** Commits on main after the first (which holds every module, each tagged v1.0.0). */
  commits: number;
  /** Bytes of the incompressible `testdata/blob.bin` each commit replaces in its module. */
  blobBytes: number;
}

export const DEFAULT_SHAPE: MonorepoShape = { modules: 60, commits: 2600, blobBytes: 200 * 1024 };

/** What the benchmark needs to know of the generated repository. */
export interface MonorepoInfo {
  shape: MonorepoShape;
  /** `modNN` → its tags' versions, oldest first. */
  tags: Record<string, string[]>;
  tagCount: number;
  /** Bytes of the repository's packs (its history, compressed). */
  packBytes: number;
  /** Commit index on main that each module last changed at. */
  lastChange: Record<string, number>;
}

export const MODULE_PREFIX = 'example.com/mono.git';

export function moduleName(i: number): string {
  return `mod${String(i).padStart(2, '0')}`;
}

/**
 * A generated monorepo, served as `<root>/mono.git`, cached under /tmp by generator version
 * and shape (generation takes a minute or two; the benchmark reuses it between runs).
 *
 * Commit 0 creates every module (`modNN/go.mod`, `modNN/modNN.go`, a `testdata/blob.bin`) and
 * tags each `modNN/v1.0.0`; commit i ≥ 1 changes module i mod N (a new blob, a new constant)
 * and tags its next patch version unless i mod 7 = 3 (some commits stay untagged). Blobs are
 * AES-CTR output under a fixed key: deterministic, and neither compressible nor deltifiable,
 * so the history is as large on the wire as on disk. Written with `git fast-import`.
 */
export async function ensureMonorepo(
  shape: MonorepoShape = DEFAULT_SHAPE,
  base = '/tmp',
): Promise<{ root: string; dir: string; info: MonorepoInfo }> {
  const key = `v${GENERATOR_VERSION}-${shape.modules}x${shape.commits}x${shape.blobBytes}`;
  const root = join(base, `modgate-monorepo-${key}`);
  const dir = join(root, 'mono.git');
  const marker = join(root, 'info.json');
  try {
    return { root, dir, info: JSON.parse(await readFile(marker, 'utf8')) as MonorepoInfo };
  } catch {
    // not generated yet
  }
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await runCommand(['git', 'init', '--bare', '--quiet', '-b', 'main', dir]);
  const info = await generate(dir, shape);
  // Served copies allow partial-clone filters (for measuring them).
  await runCommand(['git', '--git-dir', dir, 'config', 'uploadpack.allowFilter', 'true']);
  const sizes = await runCommand(['git', '--git-dir', dir, 'count-objects', '-v']);
  info.packBytes = 1024 * Number(/size-pack: (\d+)/.exec(sizes.stdout)?.[1] ?? '0');
  await writeFile(marker, JSON.stringify(info));
  return { root, dir, info };
}

async function generate(dir: string, shape: MonorepoShape): Promise<MonorepoInfo> {
  const child = spawn('git', ['--git-dir', dir, 'fast-import', '--quiet'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = once(child, 'close');
  const out = child.stdin;
  const write = async (chunk: string | Buffer): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  const random = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(shape.blobBytes);
  let mark = 0;
  const blob = async (data: Buffer): Promise<number> => {
    const m = ++mark;
    await write(`blob\nmark :${m}\ndata ${data.length}\n`);
    await write(data);
    await write('\n');
    return m;
  };
  const tags: Record<string, string[]> = {};
  const lastChange: Record<string, number> = {};
  let tagCount = 0;
  let prev = 0;
  const start = Date.UTC(2024, 0, 1) / 1000;
  for (let i = 0; i <= shape.commits; i++) {
    const changed = i === 0 ? [...Array(shape.modules).keys()] : [i % shape.modules];
    const files: string[] = [];
    for (const m of changed) {
      const name = moduleName(m);
      const goMod = await blob(Buffer.from(`module ${MODULE_PREFIX}/${name}\n\ngo 1.19\n`));
      const src = await blob(
        Buffer.from(
          `package ${name}\n\n// Change is the commit that last changed it.\nconst Change = ${i}\n`,
        ),
      );
      const data = await blob(random.update(zeros));
      files.push(
        `M 100644 :${goMod} ${name}/go.mod`,
        `M 100644 :${src} ${name}/${name}.go`,
        `M 100644 :${data} ${name}/testdata/blob.bin`,
      );
      lastChange[name] = i;
    }
    const commit = ++mark;
    const msg = `change ${i}\n`;
    await write(
      `commit refs/heads/main\nmark :${commit}\n` +
        `committer Bench <bench@example.com> ${start + i * 3600} +0000\n` +
        `data ${Buffer.byteLength(msg)}\n${msg}` +
        (prev !== 0 ? `from :${prev}\n` : '') +
        files.join('\n') +
        '\n\n',
    );
    prev = commit;
    if (i !== 0 && i % 7 === 3) continue;
    for (const m of changed) {
      const name = moduleName(m);
      const list = (tags[name] ??= []);
      const v = `v1.${Math.floor(list.length / 10)}.${list.length % 10}`;
      list.push(v);
      tagCount++;
      await write(`reset refs/tags/${name}/${v}\nfrom :${commit}\n\n`);
    }
  }
  out.end();
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`git fast-import failed: ${stderr}`);
  return { shape, tags, tagCount, packBytes: 0, lastChange };
}
