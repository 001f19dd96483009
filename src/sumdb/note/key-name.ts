/**
 * Whether `name` is a valid key (server) name: non-empty, well-formed UTF-8, no Unicode white
 * space and no `+`. The name appears in verifier keys, where `+` separates fields, and in
 * signature lines, where a space separates it from the signature.
 */
export function isValidKeyName(name: string): boolean {
  return (
    name !== '' &&
    Buffer.from(name, 'utf8').toString('utf8') === name && // no lone surrogates
    !/\p{White_Space}/u.test(name) && // the set Go's unicode.IsSpace accepts
    !name.includes('+')
  );
}
