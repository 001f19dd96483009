import { ModgateError } from '../../errors/index.js';
import { unescapePath, unescapeVersion } from '../../module/index.js';
import { parseTilePath, type Tile } from '../tlog/index.js';

/** A request under `/sumdb/<name>/`, parsed and validated. */
export type SumdbRequest =
  | { readonly kind: 'supported'; readonly name: string }
  | { readonly kind: 'latest'; readonly name: string }
  | {
      readonly kind: 'lookup';
      readonly name: string;
      readonly modulePath: string;
      readonly version: string;
    }
  | { readonly kind: 'tile'; readonly name: string; readonly tile: Tile };

/** x/mod sumdb server.go modVerRE, matched against the escaped `<path>@<version>`. */
const MOD_VER = /^[^@]+@v[0-9]+\.[0-9]+\.[0-9]+(-[^@]*)?(\+incompatible)?$/;

const PREFIX = '/sumdb/';

/**
 * Parses a request path `/sumdb/<name>/{supported,latest,lookup/<mod>@<ver>,tile/...}` for
 * one of the database `names` (a name may itself hold `/`; the longest match wins).
 * Percent-escapes are decoded per path element. Throws `not-found` for a path outside that
 * space or an unknown database, `invalid` for a malformed lookup or tile (the x/mod server's
 * 400s), with a message a person can act on.
 */
export function parseSumdbPath(rawPath: string, names: readonly string[]): SumdbRequest {
  const path = decodeElements(rawPath);
  if (!path.startsWith(PREFIX)) {
    throw new ModgateError('not-found', `not found: ${rawPath} is not a /sumdb/ path`);
  }
  const after = path.slice(PREFIX.length);
  const name = [...names]
    .sort((a, b) => b.length - a.length)
    .find((n) => after.startsWith(`${n}/`));
  if (name === undefined) {
    const served = names.length === 0 ? 'none' : names.join(', ');
    throw new ModgateError(
      'not-found',
      `not found: unknown checksum database in ${rawPath} (this proxy serves: ${served})`,
    );
  }
  const rest = after.slice(name.length + 1);
  if (rest === 'supported') return { kind: 'supported', name };
  if (rest === 'latest') return { kind: 'latest', name };
  if (rest.startsWith('lookup/')) {
    const mod = rest.slice('lookup/'.length);
    if (!MOD_VER.test(mod)) {
      throw new ModgateError('invalid', `invalid module@version syntax: ${JSON.stringify(mod)}`);
    }
    const at = mod.indexOf('@');
    return {
      kind: 'lookup',
      name,
      modulePath: unescapePath(mod.slice(0, at)),
      version: unescapeVersion(mod.slice(at + 1)),
    };
  }
  if (rest.startsWith('tile/')) {
    try {
      return { kind: 'tile', name, tile: parseTilePath(rest) };
    } catch (err) {
      throw new ModgateError('invalid', `invalid tile syntax: ${JSON.stringify(rest)}`, {
        cause: err,
      });
    }
  }
  throw new ModgateError(
    'not-found',
    `not found: ${rawPath}: a checksum database serves /supported, /latest, /lookup/ and /tile/`,
  );
}

function decodeElements(path: string): string {
  if (!path.includes('%')) return path;
  return path
    .split('/')
    .map((element) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(element);
      } catch (err) {
        throw new ModgateError('invalid', `invalid percent-escape in ${JSON.stringify(path)}`, {
          cause: err,
        });
      }
      if (decoded.includes('/')) {
        throw new ModgateError('invalid', `escaped "/" in ${JSON.stringify(path)}`);
      }
      return decoded;
    })
    .join('/');
}
