/**
 * Choosing the go-import tag for a path (cmd/go vcs.go matchGoImport): the tag whose prefix is
 * a path prefix of the path. More than one match is an error — nested repositories are not
 * allowed — except that a `mod` entry, listed first by parseMetaGoImports in module mode, wins
 * over the non-mod entries after it. No match is an error naming the tags that did not match.
 */
import { ModgateError } from '../../../errors/index.js';
import { hasPathPrefix } from '../../../module/index.js';
import type { MetaImport } from './parse-meta-tags.js';

/** Throws ModgateError `not-found` when no tag, or more than one, applies to `path`. */
export function matchGoImport(imports: readonly MetaImport[], path: string): MetaImport {
  let match: MetaImport | undefined;
  const mismatches: string[] = [];
  for (const im of imports) {
    if (!hasPathPrefix(path, im.prefix)) {
      mismatches.push(im.prefix);
      continue;
    }
    if (match !== undefined) {
      // All mod entries precede all non-mod entries: a matching mod entry settles it.
      if (match.vcs === 'mod' && im.vcs !== 'mod') break;
      throw new ModgateError(
        'not-found',
        `multiple meta tags match import path ${JSON.stringify(path)}`,
      );
    }
    match = im;
  }
  if (match === undefined) {
    const detail = mismatches
      .map((p) => `meta tag ${p} did not match import path ${path}`)
      .join(', ');
    throw new ModgateError('not-found', `no go-import meta tags (${detail})`);
  }
  return match;
}
