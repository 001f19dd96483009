/**
 * Checksum databases named the way the go command's `GOSUMDB` names them
 * (cmd/go/internal/modfetch/sumdb.go dbDial, key.go; https://go.dev/ref/mod#checksum-database):
 *
 * - `off`: no checksum database.
 * - `<name>`: a known database, of which there is one, `sum.golang.org` with key
 *   `sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8`.
 * - `<name>+<hash>+<keydata>`: a database by its verifier key.
 * - Either of those, a space, and a URL: the database is reached there instead of
 *   `https://<name>` (the go command then also bypasses GOPROXY).
 * - `sum.golang.google.cn` is an alias for `sum.golang.org https://sum.golang.google.cn`.
 * - More than two fields is an error.
 *
 * The name must be a bare `host[/path]`: `https://<name>` must be a URL with nothing but a
 * host and a path, no trailing `/`, nothing that needs escaping. modgate keeps each database's
 * files under `sumdb/<name>/` in its storage, so it also refuses path elements starting with
 * `.` (Go accepts them; no real database has one).
 */
import { ModgateError } from '../errors/index.js';
import { redactUrl } from '../protocol/redact-url.js';
import { newVerifier, type Verifier } from './note/index.js';

/** Databases the go command knows by name, with their verifier keys. */
export const KNOWN_GOSUMDB: Readonly<Record<string, string>> = Object.freeze({
  'sum.golang.org': 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8',
});

/** The go command's default `GOSUMDB`. */
export const DEFAULT_GOSUMDB = 'sum.golang.org';

/** One checksum database: whose key to trust and where to reach it. */
export interface SumdbDatabase {
  /** The key's name, e.g. `sum.golang.org`: also the `<name>` in `/sumdb/<name>/` URLs. */
  readonly name: string;
  /** The full verifier key `<name>+<hash>+<keydata>`. */
  readonly key: string;
  readonly verifier: Verifier;
  /** Where the database is served: `https://<name>` unless a URL was given. */
  readonly url: URL;
  /** Whether `url` was given explicitly (the go command then bypasses GOPROXY for it). */
  readonly explicitUrl: boolean;
}

function bad(value: string, reason: string, cause?: unknown): ModgateError {
  // A URL may carry a password: messages never quote it.
  const shown = JSON.stringify(redactUrl(value));
  return new ModgateError('invalid', `invalid GOSUMDB ${shown}: ${reason}`, {
    cause,
  });
}

// host[:port] then /path elements; no `+` (key names cannot hold one), `%`, `?` or `#`.
const NAME_HOST = /^(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?$/;
const NAME_PATH_ELEMENT = /^[A-Za-z0-9_~!$&'()*,;=:@-][A-Za-z0-9._~!$&'()*,;=:@-]*$/;

/** Why `name` is not a bare `host[/path]` database name, or `undefined` if it is one. */
export function sumdbNameProblem(name: string): string | undefined {
  if (name.endsWith('/')) return 'it ends in "/"';
  const [host = '', ...elements] = name.split('/');
  if (host === '') return 'the host is empty';
  if (!NAME_HOST.test(host)) return `the host ${JSON.stringify(host)} is not a plain host[:port]`;
  for (const e of elements) {
    if (e === '') return 'it has an empty path element';
    if (e.startsWith('.')) return `the path element ${JSON.stringify(e)} starts with "."`;
    if (!NAME_PATH_ELEMENT.test(e)) {
      return `the path element ${JSON.stringify(e)} has characters that need escaping`;
    }
  }
  return undefined;
}

/**
 * Parses one database in GOSUMDB syntax; `null` for `off`. Throws ModgateError `invalid` with
 * the value and the reason (a malformed key, a bad name, a bad URL, too many fields).
 */
export function parseGosumdb(value: string): SumdbDatabase | null {
  let spec = value.trim();
  if (spec === 'off') return null;
  if (spec === 'sum.golang.google.cn') spec = 'sum.golang.org https://sum.golang.google.cn';
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length === 0) throw bad(value, 'missing GOSUMDB');
  if (fields.length > 2) throw bad(value, 'too many fields');
  const first = fields[0]!;
  const key = KNOWN_GOSUMDB[first] ?? first;
  if (!key.includes('+')) {
    throw bad(
      value,
      `unknown checksum database ${JSON.stringify(first)}: give its verifier key <name>+<hash>+<keydata> (only ${Object.keys(KNOWN_GOSUMDB).join(', ')} is known by name)`,
    );
  }
  let verifier: Verifier;
  try {
    verifier = newVerifier(key);
  } catch (err) {
    throw bad(value, err instanceof Error ? err.message : String(err), err);
  }
  const name = verifier.name;
  const problem = sumdbNameProblem(name);
  if (problem !== undefined) {
    throw bad(
      value,
      `invalid sumdb name ${JSON.stringify(name)} (must be host[/path]): ${problem}`,
    );
  }
  const explicit = fields[1];
  const url =
    explicit === undefined ? new URL(`https://${name}`) : parseDatabaseUrl(value, explicit);
  return { name, key, verifier, url, explicitUrl: explicit !== undefined };
}

/** The go command's default database: sum.golang.org at https://sum.golang.org. */
export function defaultSumdb(): SumdbDatabase {
  return parseGosumdb(DEFAULT_GOSUMDB)!;
}

function parseDatabaseUrl(value: string, given: string): URL {
  const raw = redactUrl(given);
  let url: URL;
  try {
    url = new URL(given);
  } catch (err) {
    throw bad(value, `invalid GOSUMDB URL ${JSON.stringify(raw)}: not an absolute URL`, err);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw bad(
      value,
      `invalid GOSUMDB URL ${JSON.stringify(raw)}: only http and https are supported`,
    );
  }
  if (url.search !== '' || url.hash !== '' || given.includes('?') || given.includes('#')) {
    throw bad(value, `invalid GOSUMDB URL ${JSON.stringify(raw)}: no query or fragment allowed`);
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}
