import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { ModgateError } from '../errors/index.js';

/** One user of the users file. */
export interface UserEntry {
  readonly name: string;
  /** A bcrypt hash (`$2a$`, `$2b$`, `$2y$`: `modgate auth hash`, `htpasswd -B`); none: tokens only. */
  readonly passwordHash: string | undefined;
  /** The groups access rules may name as `@group`. */
  readonly groups: readonly string[];
}

/** The parsed users file: users by name, and token hashes (hex SHA-256) to user names. */
export interface UsersTable {
  readonly users: ReadonlyMap<string, UserEntry>;
  readonly tokens: ReadonlyMap<string, string>;
}

/** bcrypt's modular-crypt form: version, two-digit cost, 22 salt + 31 hash characters. */
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;
/** A token hash as `modgate auth token` prints it. */
const TOKEN_HASH = /^sha256:([0-9a-f]{64})$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
const USER_KEYS = new Set(['password', 'tokens', 'groups']);

/**
 * Parses the users file (YAML; docs/security.md "The users file"):
 *
 *     users:
 *       alice:
 *         password: $2y$10$...            # bcrypt: `modgate auth hash`, `htpasswd -nB alice`
 *         groups: [dev, release]
 *       ci:
 *         tokens: [sha256:9f86d0...]      # `modgate auth token` prints a token and this line
 *         groups: [ci]
 *
 * Passwords are kept as bcrypt hashes (slow on purpose: a stolen file does not give the
 * passwords away). Tokens are kept as their SHA-256: `modgate auth token` makes them of 256
 * random bits, so no dictionary or brute force can invert the hash and a fast hash loses
 * nothing — while letting every request check a token with one hash and one map lookup.
 *
 * Throws ModgateError `invalid` for the first mistake, naming `source` and the line (YAML
 * syntax, an unknown key, a hash that is not bcrypt, a token hash used twice...).
 */
export function parseUsersFile(text: string, source: string): UsersTable {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const fail = (at: Node | Pair | undefined | null, message: string): never => {
    const offset = rangeStart(at);
    const where = offset === undefined ? source : `${source}:${lines.linePos(offset).line}`;
    throw new ModgateError('invalid', `${where}: ${message}`);
  };
  const first = doc.errors[0];
  if (first !== undefined) {
    const line = first.linePos?.[0].line;
    const message = first.message.split('\n')[0] ?? first.message;
    throw new ModgateError(
      'invalid',
      `${source}${line === undefined ? '' : `:${line}`}: ${message}`,
    );
  }
  const users = new Map<string, UserEntry>();
  const tokens = new Map<string, string>();
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    return { users, tokens }; // an empty file: no users
  }
  if (!isMap(root)) return fail(root, 'expected a mapping with the key "users"');
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (key !== 'users') fail(pair, `unknown key ${JSON.stringify(key)} (expected "users")`);
    const list = pair.value as Node | null;
    if (list === null || (isScalar(list) && list.value === null)) continue;
    if (!isMap(list)) return fail(list, '"users" must map user names to their settings');
    for (const user of list.items) {
      const name = isScalar(user.key) ? String(user.key.value) : '';
      if (!NAME.test(name)) {
        fail(user, `${JSON.stringify(name)} is not a user name (letters, digits, . _ @ + -)`);
      }
      const settings = user.value as Node | null;
      if (!isMap(settings)) {
        return fail(user, `user ${name}: expected password, tokens and/or groups`);
      }
      let passwordHash: string | undefined;
      let groups: string[] = [];
      for (const item of settings.items) {
        const k = isScalar(item.key) ? String(item.key.value) : '';
        if (!USER_KEYS.has(k)) {
          fail(item, `user ${name}: unknown key ${JSON.stringify(k)} (password, tokens, groups)`);
        }
        const v = item.value as Node | null;
        if (k === 'password') {
          const hash = isScalar(v) ? String(v.value) : '';
          if (!BCRYPT.test(hash)) {
            fail(
              item,
              `user ${name}: password must be a bcrypt hash ($2a$, $2b$ or $2y$; make one with \`modgate auth hash\` or \`htpasswd -nB ${name}\`), never the password itself`,
            );
          }
          passwordHash = hash;
        } else {
          const values = stringsOf(v, () => fail(item, `user ${name}: ${k} must be a list`));
          if (k === 'groups') {
            for (const g of values) {
              if (!NAME.test(g))
                fail(item, `user ${name}: ${JSON.stringify(g)} is not a group name`);
            }
            groups = values;
          } else {
            for (const t of values) {
              const m = TOKEN_HASH.exec(t);
              if (m === null) {
                fail(
                  item,
                  `user ${name}: a token must be given as sha256:<64 hex digits> (\`modgate auth token\` prints it), never the token itself`,
                );
              }
              const hex = m?.[1] ?? '';
              const owner = tokens.get(hex);
              if (owner !== undefined) {
                fail(item, `user ${name}: this token hash is already user ${owner}'s`);
              }
              tokens.set(hex, name);
            }
          }
        }
      }
      if (users.has(name)) fail(user, `user ${name} is listed twice`);
      users.set(name, Object.freeze({ name, passwordHash, groups: Object.freeze(groups) }));
    }
  }
  return { users, tokens };
}

function rangeStart(at: Node | Pair | undefined | null): number | undefined {
  if (at === undefined || at === null) return undefined;
  if ('range' in at && at.range) return at.range[0];
  if ('key' in at) return rangeStart(at.key as Node | null) ?? rangeStart(at.value as Node | null);
  return undefined;
}

/** A YAML sequence of scalars (or one scalar) as strings; `bad()` for anything else. */
function stringsOf(node: Node | null, bad: () => never): string[] {
  if (node === null) return [];
  if (isScalar(node)) return node.value === null ? [] : [String(node.value as string)];
  if (!isSeq(node)) return bad();
  return node.items.map((item) => (isScalar(item) ? String(item.value) : bad()));
}
