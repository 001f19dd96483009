import { ModgateError } from '../errors/index.js';
import { checkStorageKey } from './storage-key.js';

/**
 * The storage keys of the GOPROXY URL space (https://go.dev/ref/mod#goproxy-protocol), built
 * from an already-escaped module path and version (`!`-escaping is the module layer's job):
 *
 *   <escaped path>/@v/list
 *   <escaped path>/@latest
 *   <escaped path>/@v/<escaped version>.info | .mod | .zip
 *
 * Module paths never contain `@` and escaped versions never contain `/`, which is what keeps
 * these keys apart from each other and from every other module's; both are checked here, so
 * a caller that skipped its own validation still cannot build a key that lands in another
 * module's files. Every result is also a valid storage key (storage-key.ts), or the builder
 * throws ModgateError `invalid`.
 */

/** The key of `@v/list`: the module's known versions, one per line. */
export function listKey(escapedPath: string): string {
  return checked(`${modulePart(escapedPath)}/@v/list`);
}

/** The key of `@latest`: the `.info` of the version to use when the list has none. */
export function latestKey(escapedPath: string): string {
  return checked(`${modulePart(escapedPath)}/@latest`);
}

/** The key of `@v/<version>.info`. */
export function infoKey(escapedPath: string, escapedVersion: string): string {
  return versionFileKey(escapedPath, escapedVersion, 'info');
}

/** The key of `@v/<version>.mod`. */
export function modKey(escapedPath: string, escapedVersion: string): string {
  return versionFileKey(escapedPath, escapedVersion, 'mod');
}

/** The key of `@v/<version>.zip`. */
export function zipKey(escapedPath: string, escapedVersion: string): string {
  return versionFileKey(escapedPath, escapedVersion, 'zip');
}

/** The key of one of a version's three files. */
export function versionFileKey(
  escapedPath: string,
  escapedVersion: string,
  ext: 'info' | 'mod' | 'zip',
): string {
  const path = modulePart(escapedPath);
  if (escapedVersion === '' || escapedVersion.includes('/')) {
    throw new ModgateError(
      'invalid',
      `invalid escaped version ${JSON.stringify(escapedVersion)} for a storage key`,
    );
  }
  return checked(`${path}/@v/${escapedVersion}.${ext}`);
}

function modulePart(escapedPath: string): string {
  if (escapedPath.includes('@')) {
    throw new ModgateError(
      'invalid',
      `invalid escaped module path ${JSON.stringify(escapedPath)} for a storage key: contains "@"`,
    );
  }
  return escapedPath;
}

function checked(key: string): string {
  checkStorageKey(key);
  return key;
}
