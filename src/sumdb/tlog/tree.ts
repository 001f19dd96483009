import { ModgateError } from '../../errors/index.js';
import { decodeBase64Strict } from '../strict-decode.js';
import { formatHash, HASH_SIZE, type Hash } from './hash.js';

/** A tree head: the size of a log and the root hash of its tree. */
export interface Tree {
  /** Number of records, < 2^53. */
  readonly n: number;
  readonly hash: Hash;
}

const TREE_PREFIX = 'go.sum database tree\n';

/**
 * The text of a tree note (before signing): `go.sum database tree\n<N>\n<base64 hash>\n`.
 * A future compatible encoding may add lines; an incompatible one changes the first line.
 */
export function formatTree(tree: Tree): string {
  return `${TREE_PREFIX}${tree.n}\n${formatHash(tree.hash)}\n`;
}

/**
 * Parses a tree note's text. It must start with the `go.sum database tree` line, have at
 * least three lines (size at most 1e6 bytes), N in canonical decimal (no sign, no leading
 * zeros) and a base64 hash of 32 bytes; later lines are ignored. N must also be below
 * 2^53 here (Go allows int64): no real log is near that. Throws `invalid` otherwise.
 */
export function parseTree(text: string | Uint8Array): Tree {
  const s = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  const size = typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : text.length;
  const malformed = () => new ModgateError('invalid', 'malformed tree note');
  if (!s.startsWith(TREE_PREFIX) || size > 1e6) throw malformed();
  const lines = s.split('\n', 4);
  if (lines.length < 4) throw malformed(); // fewer than three newlines
  const nStr = lines[1]!;
  if (!/^(?:0|[1-9][0-9]*)$/.test(nStr)) throw malformed();
  const n = Number(nStr);
  if (!Number.isSafeInteger(n)) throw malformed();
  const hash = decodeBase64Strict(lines[2]!);
  if (hash === undefined || hash.length !== HASH_SIZE) throw malformed();
  return { n, hash };
}
