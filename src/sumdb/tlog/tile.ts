import { ModgateError } from '../../errors/index.js';

/**
 * A tile: W consecutive hashes at tree level H·L, starting at hash N·2^H of that level.
 * It stands for the subtree of height H above those hashes, whose upper levels can be
 * recomputed from them. A full tile has W = 2^H; a partial one (the right fringe of a
 * tree) fewer. L = -1 is a data tile: the records of leaves N·2^H … N·2^H+W-1.
 */
export interface Tile {
  /** Height, 1 ≤ h ≤ 30 (sum.golang.org uses 8). */
  readonly h: number;
  /** Level in the tiling, -1 (data) ≤ l ≤ 63. */
  readonly l: number;
  /** Number within the level, 0 ≤ n < 2^53. */
  readonly n: number;
  /** Width, 1 ≤ w ≤ 2^h. */
  readonly w: number;
}

// N is written three decimal digits per path element, so no directory has more than
// 3000 entries (xNNN, NNN and NNN.p).
const PATH_BASE = 1000;

/**
 * The tile's path `tile/<H>/<L or "data">/<NNN>[.p/<W>]`, NNN being N in base-1000 groups
 * of 3 digits, every group but the last prefixed with `x` (N=1234067: x001/x234/067), and
 * `.p/W` present only for partial tiles. Also the key under which tiles are cached.
 */
export function tilePath(t: Tile): string {
  let n = t.n;
  let nStr = String(n % PATH_BASE).padStart(3, '0');
  while (n >= PATH_BASE) {
    n = Math.floor(n / PATH_BASE);
    nStr = `x${String(n % PATH_BASE).padStart(3, '0')}/${nStr}`;
  }
  const pStr = t.w !== 2 ** t.h ? `.p/${t.w}` : '';
  const lStr = t.l === -1 ? 'data' : String(t.l);
  return `tile/${t.h}/${lStr}/${nStr}${pStr}`;
}

/**
 * Parses a tile path. Throws a ModgateError of kind `invalid` unless `path` is exactly
 * the canonical spelling tilePath would produce (so `tile/3/5/123/456/078`, leading zeros
 * or a `.p/` of the full width are all refused), H is in 1..30, L in -1..63 and N < 2^53.
 */
export function parseTilePath(path: string): Tile {
  const bad = () => new ModgateError('invalid', `malformed tile path ${JSON.stringify(path)}`);
  const f = path.split('/');
  if (f.length < 4 || f[0] !== 'tile') throw bad();
  const h = parseDecimal(f[1]!);
  const l = f[2] === 'data' ? -1 : parseDecimal(f[2]!);
  if (h === undefined || l === undefined || h < 1 || h > 30 || l > 63) throw bad();
  let w = 2 ** h;
  let elems = f.slice(3);
  const dotP = elems.length >= 2 ? elems[elems.length - 2]! : '';
  if (dotP.endsWith('.p')) {
    const ww = parseDecimal(elems[elems.length - 1]!);
    if (ww === undefined || ww <= 0 || ww >= w) throw bad();
    w = ww;
    elems = [...elems.slice(0, -2), dotP.slice(0, -'.p'.length)];
  }
  let n = 0;
  for (const s of elems) {
    const nn = parseDecimal(s.startsWith('x') ? s.slice(1) : s);
    if (nn === undefined || nn >= PATH_BASE) throw bad();
    n = n * PATH_BASE + nn;
  }
  if (!Number.isSafeInteger(n)) throw bad();
  const t: Tile = { h, l, n, w };
  if (tilePath(t) !== path) throw bad();
  return t;
}

/** A run of ASCII digits as a number; canonical form is checked by re-encoding. */
function parseDecimal(s: string): number | undefined {
  if (!/^[0-9]{1,16}$/.test(s)) return undefined;
  return Number(s);
}
