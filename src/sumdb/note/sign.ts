import { ModgateError } from '../../errors/index.js';
import { decodeBase64Strict, hasControlCharacter } from '../strict-decode.js';
import { formatKeyHash } from './key-hash.js';
import { isValidKeyName } from './key-name.js';
import type { Signature } from './note.js';
import type { Signer } from './signer.js';

/** What sign() needs: the text, and optionally signatures it already carries. */
export interface NoteToSign {
  readonly text: string;
  readonly sigs?: readonly Signature[];
  readonly unverifiedSigs?: readonly Signature[];
}

function malformed(reason: string): ModgateError {
  return new ModgateError('invalid', `malformed note: ${reason}`);
}

/**
 * Signs a note and returns the encoded message: the text, a blank line, then one line
 * `— <name> <base64(keyhash || signature)>` per signature. Existing signatures (verified,
 * then unverified) come first, except those by a key that signs now; new ones follow, in
 * signer order. Each existing signature's base64 must start with its own key hash.
 *
 * The text must end in a newline. Beyond Go's Sign, text that open() would refuse (control
 * characters, lone surrogates) is refused here too, so a signed note can always be opened.
 */
export function sign(note: NoteToSign, signers: readonly Signer[]): Buffer {
  if (!note.text.endsWith('\n')) throw malformed('the text must end in a newline');
  const text = Buffer.from(note.text, 'utf8');
  if (hasControlCharacter(text) || text.toString('utf8') !== note.text) {
    throw malformed('the text must be UTF-8 without control characters other than newline');
  }

  const fresh: string[] = [];
  const replaced = new Set<string>();
  for (const s of signers) {
    const key = `${s.name}+${formatKeyHash(s.keyHash)}`;
    replaced.add(key);
    if (!isValidKeyName(s.name)) {
      throw new ModgateError('invalid', `invalid signer: bad key name ${JSON.stringify(s.name)}`);
    }
    const hash = Buffer.alloc(4);
    hash.writeUInt32BE(s.keyHash >>> 0);
    const sig = Buffer.concat([hash, s.sign(text)]);
    fresh.push(`\u2014 ${s.name} ${sig.toString('base64')}\n`);
  }

  const lines: string[] = [];
  for (const sig of [...(note.sigs ?? []), ...(note.unverifiedSigs ?? [])]) {
    if (!isValidKeyName(sig.name)) throw malformed('invalid key name in existing signature');
    if (replaced.has(`${sig.name}+${formatKeyHash(sig.hash)}`)) continue;
    const raw = decodeBase64Strict(sig.base64);
    if (raw === undefined || raw.length < 4 || raw.readUInt32BE(0) !== sig.hash) {
      throw malformed(`existing signature by ${sig.name} does not match its key hash`);
    }
    lines.push(`\u2014 ${sig.name} ${sig.base64}\n`);
  }

  return Buffer.from(note.text + '\n' + lines.join('') + fresh.join(''), 'utf8');
}
