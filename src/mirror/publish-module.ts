/**
 * The client side of hosted modules (`modgate publish`, issue 14 item 6): the module zip of a
 * directory or of a git ref, built with x/mod's rules by the same code direct fetching uses
 * (zip/files createZipFromDir: the file walk, vendored paths, nested modules, VCS directories,
 * the zip rules), and one `PUT /-/api/publish/<escaped path>/@v/<escaped version>` of it
 * (docs/hosted-modules.md). Credentials as for the proxy: a token (`Authorization: Bearer`),
 * user information in the server URL, else the go command's .netrc entry for the host.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModgateError } from '../errors/index.js';
import { escapePath, escapeVersion } from '../module/index.js';
import { parseGoMod } from '../modfile/index.js';
import { basicAuthorization, urlCredentials } from '../protocol/basic-auth.js';
import { redactUrl } from '../protocol/redact-url.js';
import { defaultNetrcPath, readNetrcFile } from '../upstream/direct/discovery/index.js';
import { createZipFromDir } from '../zip/files/index.js';

export interface BuiltZip {
  readonly modulePath: string;
  readonly file: string;
  /** Removes the temporary files. */
  cleanup(): Promise<void>;
}

/**
 * The module zip of `dir` (or of `ref` in the git repository `dir` is in, at `dir`'s place in
 * it) for `version`; the module path is the go.mod's `module` line.
 */
export async function buildModuleZip(
  dir: string,
  version: string,
  ref?: string,
): Promise<BuiltZip> {
  const work = await mkdtemp(join(tmpdir(), 'modgate-publish-'));
  const cleanup = (): Promise<void> => rm(work, { recursive: true, force: true });
  try {
    let source = dir;
    if (ref !== undefined) {
      source = join(work, 'tree');
      await exportGitTree(dir, ref, source);
    }
    const goMod = await readFile(join(source, 'go.mod')).catch(() => undefined);
    if (goMod === undefined) {
      throw new ModgateError(
        'invalid',
        `${ref === undefined ? dir : `${dir} at ${ref}`}: no go.mod (a published module needs one)`,
      );
    }
    const modulePath = parseGoMod(goMod).module?.path;
    if (modulePath === undefined)
      throw new ModgateError('invalid', `${dir}: go.mod has no module line`);
    const file = join(work, 'module.zip');
    const out = createWriteStream(file);
    const closed = new Promise<void>((resolve, reject) => {
      out.on('close', resolve);
      out.on('error', reject);
    });
    await createZipFromDir(source, modulePath, version, out);
    await closed;
    return { modulePath, file, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** `git archive` of `ref` at `dir`'s path in its repository, unpacked into `into`. */
async function exportGitTree(dir: string, ref: string, into: string): Promise<void> {
  const prefix = (await run('git', ['-C', dir, 'rev-parse', '--show-prefix'], dir)).trim();
  await run('mkdir', ['-p', into], dir);
  const tree = prefix === '' ? `${ref}^{tree}` : `${ref}:${prefix.replace(/\/$/, '')}`;
  await run(
    'sh',
    ['-c', 'git -C "$1" archive --format=tar "$2" | tar -x -C "$3"', 'sh', dir, tree, into],
    dir,
  );
}

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else
        reject(
          new ModgateError(
            'invalid',
            `${cmd} ${args.slice(0, 4).join(' ')}: ${err.trim() || `exit status ${code}`}`,
          ),
        );
    });
  });
}

export interface UploadOptions {
  readonly server: string;
  readonly modulePath: string;
  readonly version: string;
  readonly file: string;
  /** A bearer token (`--token`, MODGATE_TOKEN); else URL user information, else .netrc. */
  readonly token?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

export interface UploadResult {
  readonly status: number;
  /** The server's JSON (published) or text (refused). */
  readonly body: string;
}

/** PUTs the zip; resolves with the server's answer whatever its status. */
export async function uploadModule(options: UploadOptions): Promise<UploadResult> {
  const { url, authorization: fromUrl } = urlCredentials(options.server);
  const base = url.href.replace(/\/+$/, '');
  const target = `${base}/-/api/publish/${escapePath(options.modulePath)}/@v/${escapeVersion(options.version)}`;
  let authorization =
    options.token !== undefined && options.token !== '' ? `Bearer ${options.token}` : fromUrl;
  if (authorization === undefined) {
    const netrc = await readNetrcFile(defaultNetrcPath(options.env ?? process.env));
    const found = netrc.forHost(url.hostname);
    if (found !== undefined) authorization = basicAuthorization(found.username, found.password);
  }
  const { size } = await stat(options.file);
  let res: Response;
  try {
    res = await fetch(target, {
      method: 'PUT',
      headers: {
        'content-type': 'application/zip',
        'content-length': String(size),
        ...(authorization === undefined ? {} : { authorization }),
      },
      body: createReadStream(options.file) as unknown as ReadableStream,
      duplex: 'half',
    } as RequestInit);
  } catch (err) {
    const why =
      err instanceof Error
        ? err.cause instanceof Error
          ? err.cause.message
          : err.message
        : String(err);
    throw new ModgateError('upstream', `${redactUrl(base)}: ${why}`);
  }
  return { status: res.status, body: await res.text() };
}
