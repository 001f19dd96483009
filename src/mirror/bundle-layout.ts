import { check, escapePath, escapeVersion } from '../module/index.js';
import { tilePath, type Tile } from '../sumdb/tlog/index.js';
import { versionFileKey } from '../storage/module-keys.js';
import type { BundleFileKind } from './bundle-manifest.js';

/**
 * Entry names of a bundle, which are also the storage keys an import writes (the GOPROXY URL
 * layout, and the `/sumdb/<name>/` URL layout the sumdb proxy serves from).
 */
export const bundleLayout = {
  /** `<escaped path>/@v/<escaped version>.<ext>`; throws `invalid` for a bad path/version. */
  moduleFile(path: string, version: string, ext: BundleFileKind): string {
    check(path, version);
    return versionFileKey(escapePath(path), escapeVersion(version), ext);
  },
  head(db: string): string {
    return `sumdb/${db}/latest`;
  },
  lookup(db: string, path: string, version: string): string {
    return `sumdb/${db}/lookup/${escapePath(path)}@${escapeVersion(version)}`;
  },
  lookupPrefix(db: string): string {
    return `sumdb/${db}/lookup/`;
  },
  tile(db: string, tile: Tile): string {
    return `sumdb/${db}/${tilePath(tile)}`;
  },
  tilePrefix(db: string): string {
    return `sumdb/${db}/tile/`;
  },
};
