/**
 * A deliberately permissive zip writer for tests: writes entry names and headers exactly as
 * given — unclean names, duplicates, lying sizes, wrong CRCs, directory entries with data —
 * which real zip libraries refuse to produce. Not for production use.
 */
import { writeFileSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';

export interface RawZipEntry {
  readonly name: string | Buffer;
  readonly data?: Buffer | string;
  /** 0 = store, 8 = deflate (default). */
  readonly method?: 0 | 8;
  /** Override the declared uncompressed size (central directory and local header). */
  readonly declaredSize?: number;
  /** Override the CRC-32 written in the headers. */
  readonly crc?: number;
  /** Extra general-purpose flag bits (the UTF-8 bit 0x800 is set for non-ASCII names). */
  readonly flags?: number;
  /** The compressed data as given (method 8), instead of `data` deflated by zlib. */
  readonly deflated?: Buffer;
  /** Drop this many bytes from the end of the (compressed) data. */
  readonly truncate?: number;
}

export interface RawZipOptions {
  /** Override the entry count in the end-of-central-directory record. */
  readonly entryCount?: number;
}

export function buildRawZip(entries: readonly RawZipEntry[], options: RawZipOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === 'string' ? Buffer.from(e.name, 'utf8') : e.name;
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : (e.data ?? Buffer.alloc(0));
    const method = e.method ?? 8;
    const full = method === 8 ? (e.deflated ?? deflateRawSync(data)) : data;
    const body = full.subarray(0, full.length - (e.truncate ?? 0));
    const crc = e.crc ?? crc32(data);
    const size = e.declaredSize ?? data.length;
    const flags = (e.flags ?? 0) | (/[^\x00-\x7f]/.test(name.toString('latin1')) ? 0x800 : 0);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, name, body);

    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt16LE(0, 12);
    cd.writeUInt16LE(0x21, 14);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += local.length + name.length + body.length;
  }
  const cdBuf = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  const count = options.entryCount ?? entries.length;
  eocd.writeUInt16LE(count, 8);
  eocd.writeUInt16LE(count, 10);
  eocd.writeUInt32LE(cdBuf.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBuf, eocd]);
}

export function writeRawZip(
  path: string,
  entries: readonly RawZipEntry[],
  options: RawZipOptions = {},
): void {
  writeFileSync(path, buildRawZip(entries, options));
}
