/**
 * x/mod/zip isVendoredPackage: whether a file belongs to a vendored package and is left out
 * of module zips. The rule depends on the root go.mod's `go` language version, because
 * fixing Go's historical offset bug (golang.org/issue/31562, /37397) would change existing
 * checksums:
 * - before go1.24 (or no/unparsable go directive): `vendor/<pkg>/…` is vendored but
 *   `vendor/x.go` and `vendor/modules.txt` are kept; any path with `/vendor/` deeper in the
 *   tree is measured from the wrong offset, which drops nearly all of them
 *   (`pkg/vendor/vendor.go` included);
 * - from go1.24 (x/mod v0.22, Go 1.24): `vendor/modules.txt` is dropped too, and a deeper
 *   `/vendor/` only hides its subdirectories (`pkg/vendor/vendor.go` is kept).
 */
import { compareGoVersions } from '../modfile/index.js';

/** `goLang` is the root go.mod's language version, e.g. `go1.24`, or `` if none. */
export function isVendoredPackage(name: string, goLang: string): boolean {
  const go124 = compareGoVersions(goLang, 'go1.24') >= 0;
  if (go124 && name === 'vendor/modules.txt') return true;
  let i: number;
  if (name.startsWith('vendor/')) {
    i = 'vendor/'.length;
  } else {
    const j = name.indexOf('/vendor/');
    if (j < 0) return false;
    i = go124 ? j + '/vendor/'.length : '/vendor/'.length;
  }
  return name.slice(i).includes('/');
}
