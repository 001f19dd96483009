/**
 * The harness of x/mod's zip_test.go for txtar vectors: `readZipTest` reads the comment's
 * `key=value` lines (`#` comments; keys path, version, wantErr, hash), and `vectorFiles`
 * lists a vector set from the local x/mod testdata plus our vendored newer upstream vectors.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeGoString } from '../../src/zip/go-string.js';
import { readTxtar, type TxtarArchive } from '../support/txtar.js';

export const XMOD_ZIP_TESTDATA = '/usr/share/gocode/src/golang.org/x/mod/zip/testdata';
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const UPSTREAM_ZIP_FIXTURES = join(repoRoot, 'test', 'fixtures', 'xmod-zip');

export interface ZipTest {
  readonly name: string;
  readonly file: string;
  readonly path: string;
  readonly version: string;
  readonly wantErr: string;
  readonly hash: string;
  readonly archive: TxtarArchive;
}

export function readZipTest(file: string): ZipTest {
  const archive = readTxtar(file);
  const fields: Record<string, string> = { path: '', version: '', wantErr: '', hash: '' };
  const lines = archive.comment.toString('latin1').split('\n');
  lines.forEach((raw, n) => {
    let line = raw;
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    line = line.trim();
    if (line === '') return;
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`${file}:${n + 1}: missing = separator`);
    const key = line.slice(0, eq).trim();
    // Values are Go byte strings: decode invalid UTF-8 the way zip names are decoded.
    const value = decodeGoString(Buffer.from(line.slice(eq + 1).trim(), 'latin1'));
    if (!(key in fields)) throw new Error(`${file}:${n + 1}: unknown key ${JSON.stringify(key)}`);
    fields[key] = value;
  });
  return {
    name: file
      .split('/')
      .pop()!
      .replace(/\.txt$/, ''),
    file,
    path: fields.path!,
    version: fields.version!,
    wantErr: fields.wantErr!,
    hash: fields.hash!,
    archive,
  };
}

/** The `.txt` vectors of one set (`create`, `check_zip`, …): local x/mod, then upstream. */
export function vectorFiles(set: string): string[] {
  const out: string[] = [];
  for (const root of [XMOD_ZIP_TESTDATA, UPSTREAM_ZIP_FIXTURES]) {
    let names: string[];
    try {
      names = readdirSync(join(root, set));
    } catch {
      continue;
    }
    for (const n of names.sort()) if (n.endsWith('.txt')) out.push(join(root, set, n));
  }
  return out;
}

/**
 * Whether an error message contains Go's expected text. Go quotes invalid UTF-8 bytes as
 * `\xff`; src/module quotes our stand-in (lone surrogate U+DCFF) as `\udcff` — accepted too.
 */
export function errorMatches(message: string, wantErr: string): boolean {
  if (message.includes(wantErr)) return true;
  const alt = wantErr.replace(/\\x([89a-f][0-9a-f])/g, (_, h: string) => `\\udc${h}`);
  return message.includes(alt);
}

/** The `want` section's text, and the archive without it. */
export function splitWant(archive: TxtarArchive): { want: string; files: TxtarArchive['files'] } {
  const i = archive.files.findIndex((f) => f.name === 'want');
  if (i < 0) return { want: '', files: archive.files };
  return {
    want: archive.files[i]!.data.toString('utf8'),
    files: archive.files.filter((_, j) => j !== i),
  };
}
