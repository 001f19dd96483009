/**
 * cmd/go codeRepo.Zip: the module zip of a version, built from the code host's archive of
 * the commit.
 *
 * The archive (git-archive form: byte-exact blobs, symlinks as symlink entries) is spooled
 * to a temporary file — a zip is read from its central directory — and at most 500 MiB of it
 * is accepted. Entries under the module directory are kept with that prefix stripped;
 * directory entries are dropped. A module in a subdirectory (a `vN/` major subdirectory too)
 * without its own `LICENSE` gets the repository root's `LICENSE` at the same commit. The rest
 * is x/mod/zip Create (src/zip createZip): symlinks, vendored packages, nested modules and
 * `.hg_archival.txt` are omitted, bad names and collisions fail, no directory entries.
 *
 * What the commit's content decides is permanent and answered as such (`gone`, see
 * zipCannotBeMade): files the zip rules refuse, an archive over 500 MiB, a root LICENSE over
 * its limit. The same request gets the same refusal every time, so it is not an upstream
 * failure. Everything else — git failing or timing out, the spool's disk, a malformed archive
 * from git, this proxy's own entry bound — keeps its kind: a retry may succeed.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type yauzl from 'yauzl';
import { errorKind, ModgateError } from '../../errors/index.js';
import {
  createZip,
  DEFAULT_MAX_ZIP_ENTRIES,
  MAX_LICENSE,
  ByteLimit,
  MAX_ZIP_FILE,
  ModuleFilesError,
  type FileContent,
  type FileMode,
  type ZipSourceFile,
} from '../../zip/index.js';
import { decodeGoString } from '../../zip/go-string.js';
import { ModuleZipReader, type ZipEntry } from '../../zip/files/index.js';
import { codeHostKind, errorText, zipCannotBeMade } from './code-repo-errors.js';
import type { FoundDir } from './code-repo-find-dir.js';
import type { CodeRepoSession } from './code-repo-session.js';

export interface ModuleZipOptions {
  /** Where archives are spooled (a fresh directory per zip, removed afterwards). */
  readonly tmpDir?: string;
}

/**
 * The module zip of `modulePath@version` located at `found`, as a stream. Resolves once the
 * zip is known to be valid (its first bytes exist); later failures destroy the stream.
 * Throws ModgateError: `gone` when the commit can never make a zip (zipCannotBeMade), else
 * the code host's kinds for archive failures.
 */
export async function moduleZip(
  modulePath: string,
  version: string,
  found: FoundDir,
  session: CodeRepoSession,
  options: ModuleZipOptions,
): Promise<Readable> {
  const label = `${modulePath}@${version}`;
  // From the object stream when the code host lists trees: no archive, nothing on disk.
  const tree = await treeOf(found, session, label);
  if (tree !== null) {
    return writeZip(modulePath, version, await moduleFiles(tree, found, session), async () => {});
  }
  const spoolDir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'modgate-archive-'));
  let reader: ModuleZipReader | undefined;
  const cleanup = async (): Promise<void> => {
    await reader?.close().catch(() => undefined);
    await rm(spoolDir, { recursive: true, force: true });
  };
  let files: ZipSourceFile[];
  try {
    const spool = join(spoolDir, 'archive.zip');
    await spoolArchive(found, session, spool, label);
    reader = await ModuleZipReader.open(spool, {
      label: `archive of ${label}`,
      maxEntries: DEFAULT_MAX_ZIP_ENTRIES,
    });
    files = await moduleFiles(archiveEntries(reader), found, session);
  } catch (err) {
    await cleanup();
    throw err;
  }
  // From here on the spool lives until createZip is done with it, however that ends (the
  // consumer destroying the stream ends it too).
  return writeZip(modulePath, version, files, cleanup);
}

/**
 * createZip over `files` as a stream, resolved once the zip is known to be valid; `cleanup`
 * runs once createZip is done, however that ends.
 */
async function writeZip(
  modulePath: string,
  version: string,
  files: ZipSourceFile[],
  cleanup: () => Promise<void>,
): Promise<Readable> {
  const out = new FirstChunk();
  const done = createZip(modulePath, version, files, out);
  const cleaned = done.then(cleanup, cleanup);
  // createZip checks every file before it writes a byte: the first byte out means the zip
  // is valid; a rejection before that is the answer (given once the spool is gone).
  try {
    await Promise.race([out.started, done]);
  } catch (err) {
    out.destroy();
    await cleaned;
    // The commit's files, as Go's Create refuses them: the same every time.
    if (err instanceof ModuleFilesError) throw zipCannotBeMade(err.message, err);
    throw err;
  }
  return out;
}

/** A pass-through that tells when its first chunk arrived. */
class FirstChunk extends PassThrough {
  readonly started: Promise<void>;
  private markStarted: () => void = () => undefined;

  constructor() {
    super();
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  override _transform(chunk: Buffer, enc: BufferEncoding, cb: TransformCallback): void {
    this.markStarted();
    super._transform(chunk, enc, cb);
  }
}

async function spoolArchive(
  found: FoundDir,
  session: CodeRepoSession,
  file: string,
  label: string,
): Promise<void> {
  // Over MAX_ZIP_FILE (the code host's bound or ours): the commit's tree is too big, for good
  // (cmd/go codeRepo.Zip's words).
  const tooLarge = (cause?: unknown): ModgateError =>
    zipCannotBeMade('downloaded zip file too large', cause);
  let archive: Readable;
  try {
    archive = await session.code.archive(found.commit.name, found.dir, MAX_ZIP_FILE, session.ctx);
  } catch (err) {
    if (errorKind(err) === 'too-large') throw tooLarge(err);
    throw new ModgateError(codeHostKind(err), `${label}: ${errorText(err)}`, { cause: err });
  }
  try {
    await pipeline(
      archive,
      new ByteLimit(MAX_ZIP_FILE, () => tooLarge()),
      createWriteStream(file),
      ...(session.ctx.signal ? [{ signal: session.ctx.signal }] : []),
    );
  } catch (err) {
    if (errorKind(err) === 'too-large') throw tooLarge(err);
    if (err instanceof ModgateError) throw err;
    throw new ModgateError(codeHostKind(err), `${label}: ${errorText(err)}`, { cause: err });
  }
}

/** A file of the commit's tree, from the archive or from the code host's tree listing. */
interface SourceEntry {
  rawName: Buffer;
  mode: FileMode;
  size: number;
  open: () => FileContent | Promise<FileContent>;
}

/**
 * The tree's files (CodeHost.treeFiles) when the code host lists them and the whole listing
 * is within MAX_ZIP_FILE (else the archive decides, as cmd/go's download bound does); null
 * to go through the archive.
 */
async function treeOf(
  found: FoundDir,
  session: CodeRepoSession,
  label: string,
): Promise<SourceEntry[] | null> {
  if (session.code.treeFiles === undefined) return null;
  let tree;
  try {
    tree = await session.code.treeFiles(found.commit.name, found.dir, session.ctx);
  } catch (err) {
    throw new ModgateError(codeHostKind(err), `${label}: ${errorText(err)}`, { cause: err });
  }
  if (tree === null || tree.reduce((n, f) => n + f.size, 0) > MAX_ZIP_FILE) return null;
  // Submodules: git archive writes them as directory entries, which a module zip drops.
  return tree.filter((f) => f.mode !== 'dir');
}

/** The archive's entries, their modes as archive/zip reads them. */
async function* archiveEntries(reader: ModuleZipReader): AsyncIterable<SourceEntry> {
  for await (const entry of reader.entries()) {
    yield {
      rawName: entry.rawName,
      mode: entryMode(entry.rawName, entry.entry),
      size: entry.uncompressedSize,
      open: () => entryContent(reader, entry),
    };
  }
}

/** The tree's files under the module directory, plus the root LICENSE when needed. */
async function moduleFiles(
  entries: Iterable<SourceEntry> | AsyncIterable<SourceEntry>,
  found: FoundDir,
  session: CodeRepoSession,
): Promise<ZipSourceFile[]> {
  const prefix = found.dir === '' ? '' : found.dir + '/';
  const files: ZipSourceFile[] = [];
  let haveLicense = false;
  for await (const entry of entries) {
    let name = decodeGoString(entry.rawName);
    if (!name.startsWith(prefix)) continue;
    name = name.slice(prefix.length);
    if (name === '' || name.endsWith('/')) continue;
    files.push({ path: name, mode: entry.mode, size: entry.size, open: entry.open });
    if (name === 'LICENSE') haveLicense = true;
  }
  if (!haveLicense && found.dir !== '') {
    let license: Buffer | null;
    try {
      license = await session.readFile(found.commit.name, 'LICENSE', MAX_LICENSE);
    } catch (err) {
      if (err instanceof ModgateError && err.kind === 'too-large') {
        // Go reads the whole blob and Create refuses it: permanent, as any zip rule.
        throw zipCannotBeMade(
          `create zip: LICENSE: LICENSE file too large (max size is ${MAX_LICENSE} bytes)`,
          err,
        );
      }
      throw err;
    }
    if (license !== null) {
      const data = license;
      files.push({ path: 'LICENSE', mode: 'file', size: data.length, open: () => data });
    }
  }
  return files;
}

/** archive/zip FileHeader.Mode, reduced to what the zip rules distinguish. */
export function entryMode(rawName: Buffer, entry: yauzl.Entry): FileMode {
  if (rawName[rawName.length - 1] === 0x2f) return 'dir';
  const creator = entry.versionMadeBy >>> 8;
  const attrs = entry.externalFileAttributes >>> 0;
  if (creator === 3 || creator === 19) {
    switch ((attrs >>> 16) & 0xf000) {
      case 0xa000:
        return 'symlink';
      case 0x4000:
        return 'dir';
      case 0x6000:
      case 0x2000:
      case 0x1000:
      case 0xc000:
        return 'other';
      default:
        return 'file';
    }
  }
  if ((creator === 0 || creator === 11 || creator === 14) && (attrs & 0x10) !== 0) return 'dir';
  return 'file';
}

/** One entry's verified content as a stream (read on demand, with backpressure). */
function entryContent(reader: ModuleZipReader, entry: ZipEntry): Readable {
  const out = new PassThrough();
  reader
    .readContent(entry, async (chunk) => {
      if (out.destroyed) throw new Error('zip entry stream closed');
      if (!out.write(chunk)) await drained(out);
    })
    .then(
      () => out.end(),
      (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))),
    );
  return out;
}

function drained(stream: PassThrough): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', closed);
      resolve();
    };
    const closed = (): void => {
      stream.off('drain', done);
      reject(new Error('zip entry stream closed'));
    };
    stream.once('drain', done);
    stream.once('close', closed);
  });
}
