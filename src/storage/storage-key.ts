import { ModgateError } from '../errors/index.js';

/**
 * The longest key, in UTF-8 bytes: S3's limit on object keys, so every backend accepts the
 * same set. Real keys are far shorter (module paths are bounded by practice, not by Go).
 */
export const MAX_KEY_BYTES = 1024;

/** The longest path element, in UTF-8 bytes: NAME_MAX on common file systems. */
export const MAX_KEY_ELEMENT_BYTES = 255;

/** Control characters (C0 and DEL) and backslash: never in an escaped module path or version. */
const FORBIDDEN_CHAR = /[\x00-\x1f\x7f\\]/;

/**
 * Why `key` is not a storage key, or `undefined` when it is one. A key is a clean relative
 * slash path in the GOPROXY URL space: non-empty elements, none `.`/`..` or starting with `.`
 * (escaped module paths and versions never do, which keeps the URL space disjoint from a
 * backend's own dot-directories such as `.staging/`), no backslash or control character,
 * bounded length.
 */
export function storageKeyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key === '') return 'empty key';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`;
  if (FORBIDDEN_CHAR.test(key)) return 'contains a backslash or control character';
  if (key.startsWith('/')) return 'absolute path';
  for (const element of key.split('/')) {
    if (element === '') return 'empty path element';
    if (element === '.' || element === '..') return `"${element}" path element`;
    if (element.startsWith('.')) return `path element ${JSON.stringify(element)} starts with "."`;
    if (Buffer.byteLength(element, 'utf8') > MAX_KEY_ELEMENT_BYTES) {
      return `path element longer than ${MAX_KEY_ELEMENT_BYTES} bytes`;
    }
  }
  return undefined;
}

export function isStorageKey(key: string): boolean {
  return storageKeyProblem(key) === undefined;
}

/** Throws ModgateError `invalid` unless `key` is a storage key. */
export function checkStorageKey(key: string): void {
  const problem = storageKeyProblem(key);
  if (problem !== undefined) {
    throw new ModgateError('invalid', `invalid storage key ${JSON.stringify(key)}: ${problem}`);
  }
}

/** Throws ModgateError `invalid` unless `prefix` is empty or a storage key followed by `/`. */
export function checkStoragePrefix(prefix: string): void {
  if (prefix === '') return;
  const problem = prefix.endsWith('/')
    ? storageKeyProblem(prefix.slice(0, -1))
    : 'a prefix must be empty or end in "/"';
  if (problem !== undefined) {
    throw new ModgateError(
      'invalid',
      `invalid storage prefix ${JSON.stringify(prefix)}: ${problem}`,
    );
  }
}

/**
 * The order `list` returns keys in: UTF-8 byte order, the order S3 lists objects in (for the
 * ASCII keys of the URL space it is plain string order).
 */
export function compareStorageKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
