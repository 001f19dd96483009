import { ModgateError } from '../../errors/index.js';
import { decodeBase64Strict, decodeUtf8Strict, hasControlCharacter } from '../strict-decode.js';
import { chop } from './chop.js';
import { formatKeyHash } from './key-hash.js';
import { isValidKeyName } from './key-name.js';
import type { Note, Signature } from './note.js';
import { UnverifiedNoteError } from './unverified-note-error.js';
import type { Verifiers } from './verifiers.js';

/** More signature lines than this make a note malformed: parsing must stay cheap. */
export const MAX_SIGNATURES = 100;

const SIG_PREFIX = '\u2014 '; // em dash, space

function malformed(reason: string): ModgateError {
  return new ModgateError('invalid', `malformed note: ${reason}`);
}

/**
 * Parses a signed note and checks its signatures against the known keys.
 *
 * Throws a ModgateError of kind `invalid` for a malformed message, or an ambiguous key;
 * kind `checksum` when a known key's signature does not verify; an UnverifiedNoteError
 * (kind `checksum`, carrying the parsed note) when no known key signed it. Signatures by
 * unknown keys are kept, unverified; repeated lines are ignored (for a known key, every
 * line after its first one is ignored).
 */
export function open(msg: Uint8Array | string, known: Verifiers): Note {
  const bytes = typeof msg === 'string' ? Buffer.from(msg, 'utf8') : Buffer.from(msg);

  // Valid UTF-8, no ASCII control characters but newline.
  if (hasControlCharacter(bytes)) throw malformed('control character');
  const all = decodeUtf8Strict(bytes);
  if (all === undefined) throw malformed('invalid UTF-8');

  // The text ends at the last blank line; then come the signature lines, each ending in \n.
  // (The text itself may contain blank lines.)
  const split = bytes.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = bytes.subarray(0, split + 1);
  const sigBlock = bytes.subarray(split + 2).toString('utf8');
  if (sigBlock === '' || !sigBlock.endsWith('\n')) {
    throw malformed('the signatures must be lines that end in a newline');
  }

  const sigs: Signature[] = [];
  const unverifiedSigs: Signature[] = [];
  const seen = new Set<string>(); // name+hash of known keys already handled
  const seenUnverified = new Set<string>(); // whole lines of unknown keys
  const lines = sigBlock.slice(0, -1).split('\n');
  for (const [i, full] of lines.entries()) {
    if (!full.startsWith(SIG_PREFIX)) throw malformed('signature line does not start with "— "');
    const line = full.slice(SIG_PREFIX.length);
    const [name, b64] = chop(line, ' ');
    const sig = decodeBase64Strict(b64);
    if (!isValidKeyName(name)) throw malformed('invalid key name in signature line');
    if (sig === undefined || sig.length < 5) throw malformed('signature is not base64');
    const hash = sig.readUInt32BE(0);
    if (i + 1 > MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);

    const v = known.verifier(name, hash);
    if (v === undefined) {
      if (seenUnverified.has(line)) continue;
      seenUnverified.add(line);
      unverifiedSigs.push({ name, hash, base64: b64 });
      continue;
    }
    const key = `${name}+${formatKeyHash(hash)}`;
    if (v.name !== name || v.keyHash !== hash) {
      // A broken Verifiers implementation, not bad input.
      throw new ModgateError('internal', `verifier for ${key} has another name or hash`);
    }
    if (seen.has(key)) continue;
    seen.add(key);
    if (!v.verify(text, sig.subarray(4))) {
      throw new ModgateError('checksum', `invalid signature for key ${key}`);
    }
    sigs.push({ name, hash, base64: b64 });
  }

  const note: Note = { text: text.toString('utf8'), sigs, unverifiedSigs };
  if (sigs.length === 0) throw new UnverifiedNoteError(note);
  return note;
}
