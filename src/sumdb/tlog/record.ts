import { ModgateError } from '../../errors/index.js';
import { decodeUtf8Strict, hasControlCharacter } from '../strict-decode.js';

/**
 * Whether `text` is valid record text: UTF-8, no control characters other than newline,
 * no blank line, ending in a newline. (Lines of go.sum, in practice.)
 */
export function isValidRecordText(text: Uint8Array): boolean {
  if (text.length === 0 || text[text.length - 1] !== 0x0a) return false;
  if (hasControlCharacter(text) || decodeUtf8Strict(text) === undefined) return false;
  // A blank line is two newlines in a row. (A leading newline is allowed, as in Go.)
  for (let i = 1; i < text.length; i++) {
    if (text[i] === 0x0a && text[i - 1] === 0x0a) return false;
  }
  return true;
}

function malformed(): ModgateError {
  return new ModgateError('invalid', 'malformed record data');
}

/**
 * A record as served in a lookup response (and in x/mod's data tiles): the id in decimal
 * on its own line, the record text, then a blank line.
 */
export function formatRecord(id: number, text: Uint8Array | string): Buffer {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  if (!Number.isSafeInteger(id) || id < 0 || !isValidRecordText(bytes)) throw malformed();
  return Buffer.concat([Buffer.from(`${id}\n`), bytes, Buffer.from('\n')]);
}

/** A record parsed from the start of a message, and the bytes after its blank line. */
export interface ParsedRecord {
  readonly id: number;
  readonly text: Buffer;
  /** In a lookup response, the signed tree note. */
  readonly rest: Buffer;
}

/**
 * Parses a record at the start of `msg`, stopping right after its terminating blank line.
 * The id must be decimal digits (Go also accepts a sign; ids are never negative) below 2^53.
 * Throws `invalid` otherwise.
 */
export function parseRecord(msg: Uint8Array): ParsedRecord {
  const buf = Buffer.from(msg.buffer, msg.byteOffset, msg.length);
  const i = buf.indexOf(0x0a);
  if (i < 0) throw malformed();
  const idStr = buf.subarray(0, i).toString('latin1');
  if (!/^[0-9]+$/.test(idStr)) throw malformed();
  const id = Number(idStr);
  if (!Number.isSafeInteger(id)) throw malformed();
  const body = buf.subarray(i + 1);
  const j = body.indexOf('\n\n');
  if (j < 0) throw malformed();
  const text = body.subarray(0, j + 1);
  if (!isValidRecordText(text)) throw malformed();
  return { id, text, rest: body.subarray(j + 2) };
}
