import { compare } from '../../../semver/index.js';

/**
 * The highest tag (by semver of the name after `prefix`) among `refs/tags/…` lines that
 * start with `prefix` and that `allowed` accepts, as a full tag name; '' when none
 * (cmd/go's RecentTag: strings that are not semantic versions never win).
 */
export function highestTag(
  refLines: string,
  prefix: string,
  allowed: (tag: string) => boolean,
): string {
  let highest = '';
  for (const raw of refLines.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('refs/tags/')) continue;
    const tag = line.slice('refs/tags/'.length);
    if (!tag.startsWith(prefix) || !allowed(tag)) continue;
    const semtag = tag.slice(prefix.length);
    if (compare(semtag, highest) > 0) highest = semtag;
  }
  return highest === '' ? '' : prefix + highest;
}
