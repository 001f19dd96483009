/**
 * A reader for the txtar archive format (golang.org/x/tools/txtar), used by Go's own test
 * data and by our fixtures: an optional comment, then files each introduced by a marker line
 * `-- name --`. Works on bytes, so contents (and comments) keep any non-UTF-8 bytes exactly.
 *
 * Rules carried over from txtar.Parse: a marker is a line starting with `-- ` and ending with
 * ` --` (name = the text between, trimmed); the comment and every file's data get a final
 * newline added if they are non-empty and lack one; there is no escaping.
 */
import { readFileSync } from 'node:fs';

export interface TxtarFile {
  readonly name: string;
  readonly data: Buffer;
}

export interface TxtarArchive {
  readonly comment: Buffer;
  readonly files: TxtarFile[];
}

const NEWLINE_MARKER = Buffer.from('\n-- ');
const MARKER = Buffer.from('-- ');
const MARKER_END = Buffer.from(' --');

function fixNewline(data: Buffer): Buffer {
  if (data.length === 0 || data[data.length - 1] === 0x0a) return data;
  return Buffer.concat([data, Buffer.from('\n')]);
}

/** The marker name if `data` starts with a marker line, and the bytes after that line. */
function isMarker(data: Buffer): { name: string; after: Buffer } | undefined {
  if (!data.subarray(0, MARKER.length).equals(MARKER)) return undefined;
  let line = data;
  let after: Buffer = Buffer.alloc(0);
  const nl = data.indexOf(0x0a);
  if (nl >= 0) {
    line = data.subarray(0, nl);
    after = data.subarray(nl + 1);
  }
  if (line.length < MARKER.length + MARKER_END.length) return undefined;
  if (!line.subarray(line.length - MARKER_END.length).equals(MARKER_END)) return undefined;
  const name = line
    .subarray(MARKER.length, line.length - MARKER_END.length)
    .toString('utf8')
    .trim();
  return name === '' ? undefined : { name, after };
}

/** Splits at the next marker line: the bytes before it, its name ('' at the end) and after. */
function findFileMarker(data: Buffer): { before: Buffer; name: string; after: Buffer } {
  let i = 0;
  for (;;) {
    const m = isMarker(data.subarray(i));
    if (m !== undefined) return { before: data.subarray(0, i), name: m.name, after: m.after };
    const j = data.indexOf(NEWLINE_MARKER, i);
    if (j < 0) return { before: fixNewline(data), name: '', after: Buffer.alloc(0) };
    i = j + 1;
  }
}

export function parseTxtar(data: Buffer | string): TxtarArchive {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const first = findFileMarker(bytes);
  let { name, after: rest } = first;
  const files: TxtarFile[] = [];
  while (name !== '') {
    const next = findFileMarker(rest);
    files.push({ name, data: Buffer.from(next.before) });
    ({ name, after: rest } = next);
  }
  return { comment: Buffer.from(first.before), files };
}

export function readTxtar(path: string): TxtarArchive {
  return parseTxtar(readFileSync(path));
}
