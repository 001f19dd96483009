/**
 * The `h1:` hash of golang.org/x/mod/sumdb/dirhash (Hash1): the value recorded in go.sum and
 * in the checksum database for a module's files and for its go.mod.
 *
 * Contract (x/mod `dirhash.Hash1`): sort the file names in Go string order (bytewise over
 * UTF-8, NOT JavaScript's UTF-16 order); for each name write one summary line
 * `<lower-hex sha256 of content>  <name>\n` (two spaces); the result is `h1:` followed by the
 * padded standard base64 of the SHA-256 of the summary. A name containing `\n` is an error
 * (it would forge a summary line). This file is pure: contents come in through `open`.
 */
import { createHash } from 'node:crypto';

/** File contents as one buffer or as a stream of chunks (a Node Readable is an AsyncIterable). */
export type FileContent = Uint8Array | AsyncIterable<Uint8Array | string>;

/** Opens one of the named files; called once per name, in sorted order. */
export type OpenFile = (name: string) => FileContent | Promise<FileContent>;

/** Thrown for names Hash1 cannot represent (a newline in a file name). */
export const NEWLINE_IN_NAME = 'dirhash: filenames with newlines are not supported';

/** `h1:` of the empty file set. */
export const EMPTY_HASH1 = 'h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

const NEWLINE = 0x0a;

/** Go's `sort.Strings` order for raw byte strings: bytewise, shorter prefix first. */
export function compareGoBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Go's string order for JavaScript strings: compares their UTF-8 encodings bytewise. */
export function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Hex SHA-256 of a content given as a buffer or a stream of chunks. */
export async function sha256Hex(content: FileContent): Promise<string> {
  const h = createHash('sha256');
  if (content instanceof Uint8Array) {
    h.update(content);
  } else {
    for await (const chunk of content) h.update(chunk);
  }
  return h.digest('hex');
}

/**
 * The Hash1 result from per-file digests (lower-hex SHA-256, `digests[i]` for `names[i]`),
 * for callers that hashed the contents while streaming them. Names are raw bytes (zip entry
 * names need not be UTF-8). Throws `Error(NEWLINE_IN_NAME)`.
 */
export function hash1FromDigests(names: readonly Uint8Array[], digests: readonly string[]): string {
  const order = names.map((_, i) => i);
  order.sort((i, j) => compareGoBytes(names[i]!, names[j]!));
  const summary = createHash('sha256');
  for (const i of order) {
    const name = names[i]!;
    if (name.includes(NEWLINE)) throw new Error(NEWLINE_IN_NAME);
    summary.update(`${digests[i]!}  `);
    summary.update(name);
    summary.update('\n');
  }
  return 'h1:' + summary.digest('base64');
}

/**
 * Hash1 over names given as raw bytes; `open(i)` opens the i-th name. Files are opened one
 * at a time in sorted order, as in Go. Throws `Error(NEWLINE_IN_NAME)` before opening any.
 */
export async function hash1Bytes(
  names: readonly Uint8Array[],
  open: (index: number) => FileContent | Promise<FileContent>,
): Promise<string> {
  if (names.some((n) => n.includes(NEWLINE))) throw new Error(NEWLINE_IN_NAME);
  const order = names.map((_, i) => i);
  order.sort((i, j) => compareGoBytes(names[i]!, names[j]!));
  const digests: string[] = new Array<string>(names.length);
  for (const i of order) digests[i] = await sha256Hex(await open(i));
  return hash1FromDigests(names, digests);
}

/** x/mod `dirhash.Hash1`: `names` are UTF-8 file names; `open` returns each file's content. */
export async function hash1(names: readonly string[], open: OpenFile): Promise<string> {
  const raw = names.map((n) => Buffer.from(n, 'utf8'));
  return hash1Bytes(raw, (i) => open(names[i]!));
}

/**
 * The go.sum hash of a go.mod file (`<path> <version>/go.mod h1:…`): Hash1 over the single
 * name `go.mod` — literally, not prefixed with the module path. Synchronous: the content is
 * already in memory.
 */
export function hashGoMod(data: Uint8Array): string {
  const digest = createHash('sha256').update(data).digest('hex');
  return 'h1:' + createHash('sha256').update(`${digest}  go.mod\n`, 'utf8').digest('base64');
}
