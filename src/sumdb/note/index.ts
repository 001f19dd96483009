/**
 * Signed notes: the Ed25519-signed texts a checksum database publishes (its tree heads).
 * Behaviour follows golang.org/x/mod/sumdb/note (https://pkg.go.dev/golang.org/x/mod/sumdb/note)
 * and the checksum-database design (https://go.googlesource.com/proposal/+/master/design/25530-sumdb.md).
 *
 * Keys
 * - A key name is non-empty UTF-8 with no Unicode white space and no `+`; by convention the
 *   database's `host[/path]`.
 * - Verifier key: `<name>+<hash>+<keydata>`, split at the first two `+` only (base64 has `+`
 *   too: sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8).
 *   `hash` is 8 hex digits; `keydata` is base64 of 0x01 (Ed25519, the only algorithm) and
 *   the 32-byte public key.
 * - Key hash: first 4 bytes, big-endian, of SHA-256(name "\n" keydata). A key whose hash
 *   field does not match is rejected.
 * - Signer key: `PRIVATE+KEY+<name>+<hash>+<base64(0x01 || 32-byte seed)>`; the hash is the
 *   public key's. It is a secret: no error message quotes it.
 *
 * Signed note format
 * - Text ending in "\n", a blank line, then one or more lines `— <name> <base64>` (U+2014,
 *   space), where base64 decodes to the 4-byte key hash and the signature (at least 5 bytes
 *   in all). The signed bytes are the text including its final newline, without the blank
 *   line.
 * - The whole message is valid UTF-8 with no control characters other than "\n". The text
 *   ends at the *last* blank line; the signature block must end in "\n".
 * - More than 100 signature lines: malformed.
 * - A signature by an unknown key is kept as unverified (identical lines once); a known key
 *   counts once (later lines by it are ignored); a known key with a bad signature is an
 *   error; at least one verified signature is required.
 * - Signing puts existing signatures first (except ones replaced by a new signature from
 *   the same key), then the new ones.
 *
 * Errors are ModgateErrors: `invalid` for malformed keys and notes, `checksum` for a bad
 * signature or a note no known key signed (UnverifiedNoteError, which carries the note).
 */
export { keyHash, formatKeyHash } from './key-hash.js';
export { isValidKeyName } from './key-name.js';
export { type Verifier, newVerifier, newEd25519VerifierKey } from './verifier.js';
export { type Signer, newSigner } from './signer.js';
export { type GeneratedKey, generateKey } from './generate-key.js';
export { type Verifiers, verifierList } from './verifiers.js';
export type { Note, Signature } from './note.js';
export { UnverifiedNoteError } from './unverified-note-error.js';
export { open, MAX_SIGNATURES } from './open.js';
export { type NoteToSign, sign } from './sign.js';
