import { unescapePath, unescapeVersion } from '../module/index.js';
import { isValid } from '../semver/index.js';

/** The module version file a storage key names. */
export interface VersionFileKey {
  modulePath: string;
  version: string;
  file: 'info' | 'mod' | 'zip';
}

const EXTENSIONS = { info: 'info', mod: 'mod', zip: 'zip' } as const;

/**
 * The module path, version and file of `<escaped path>/@v/<escaped version>.{info,mod,zip}`;
 * undefined for every other key (lists, @latest, modgate's own records under `-/`, `index/`,
 * checksum database files, anything malformed). `paths` memoises unescaped module paths: a
 * listing names each module's path once per file.
 */
export function parseVersionFileKey(
  key: string,
  paths?: Map<string, string | null>,
): VersionFileKey | undefined {
  const at = key.lastIndexOf('/@v/');
  if (at <= 0) return undefined;
  const dot = key.lastIndexOf('.');
  if (dot <= at + 4) return undefined;
  const file = EXTENSIONS[key.slice(dot + 1) as keyof typeof EXTENSIONS];
  if (file === undefined) return undefined;
  const escapedPath = key.slice(0, at);
  let modulePath = paths?.get(escapedPath);
  if (modulePath === undefined) {
    modulePath = attempt(() => unescapePath(escapedPath));
    paths?.set(escapedPath, modulePath);
  }
  if (modulePath === null) return undefined;
  const version = attempt(() => unescapeVersion(key.slice(at + 4, dot)));
  if (version === null || !isValid(version)) return undefined;
  return { modulePath, version, file };
}

function attempt(f: () => string): string | null {
  try {
    return f();
  } catch {
    return null;
  }
}
