/**
 * x/mod/zip's collisionChecker: module zips must extract identically on case-insensitive file
 * systems, so no two entries may be equal under Unicode case folding, and no path may be
 * both a file and a directory. Every file registers its parent directories too.
 */
import { goQuote } from '../module/index.js';
import { strToFold } from './case-fold.js';
import { parentDir } from './clean-path.js';

interface Seen {
  readonly path: string;
  readonly isDir: boolean;
}

export class CollisionChecker {
  private readonly seen = new Map<string, Seen>();

  /**
   * Registers clean relative path `p` (and its parents as directories); returns Go's reason
   * when it collides with an earlier entry, else undefined. A reported collision may leave
   * some parents unregistered, as in Go.
   */
  check(p: string, isDir: boolean): string | undefined {
    for (;;) {
      const fold = strToFold(p);
      const other = this.seen.get(fold);
      if (other !== undefined) {
        if (p !== other.path) {
          return `case-insensitive file name collision: ${goQuote(other.path)} and ${goQuote(p)}`;
        }
        if (isDir !== other.isDir) return `entry ${goQuote(p)} is both a file and a directory`;
        if (!isDir) return `multiple entries for file ${goQuote(p)}`;
        // The same directory again: fine, parents are registered already or being checked.
      } else {
        this.seen.set(fold, { path: p, isDir });
      }
      const parent = parentDir(p);
      if (parent === '.') return undefined;
      p = parent;
      isDir = true;
    }
  }
}
