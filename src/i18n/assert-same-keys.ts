import type { Catalog } from './catalog.js';
import { placeholdersOf } from './catalog.js';

/**
 * What differs between catalogs meant to hold the same messages in different languages, one
 * line per problem (empty when they agree): keys one catalog has and another lacks, templates
 * whose placeholders differ from the first catalog's (a translation that drops `{host}` loses
 * information; one that adds `{hots}` fails at run time), and empty or non-string templates.
 * The first catalog (normally English) is the reference.
 */
export function catalogDifferences(catalogs: Readonly<Record<string, Catalog>>): string[] {
  const entries = Object.entries(catalogs);
  const [reference] = entries;
  if (reference === undefined) return [];
  const [refName, ref] = reference;
  const problems: string[] = [];
  const allKeys = new Set(entries.flatMap(([, c]) => Object.keys(c)));
  for (const key of [...allKeys].sort()) {
    const refTemplate = ref[key];
    for (const [name, catalog] of entries) {
      const template = catalog[key];
      if (template === undefined) {
        problems.push(`${name}: missing "${key}"`);
        continue;
      }
      if (typeof template !== 'string' || template.trim() === '') {
        problems.push(`${name}: "${key}" is empty or not text`);
        continue;
      }
      if (refTemplate === undefined || name === refName) continue;
      const want = placeholdersOf(refTemplate).join(', ');
      const got = placeholdersOf(template).join(', ');
      if (want !== got)
        problems.push(`${name}: "${key}" has placeholders {${got}} but ${refName} has {${want}}`);
    }
  }
  return problems;
}

/**
 * Throws, listing every difference, unless the catalogs hold the same keys with the same
 * placeholders (see catalogDifferences). For tests: `assertSameKeys({ en, 'zh-CN': zhCN })`.
 */
export function assertSameKeys(catalogs: Readonly<Record<string, Catalog>>): void {
  const problems = catalogDifferences(catalogs);
  if (problems.length > 0)
    throw new Error(
      `the catalogs ${Object.keys(catalogs).join(', ')} differ:\n  ${problems.join('\n  ')}`,
    );
}
