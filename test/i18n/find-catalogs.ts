// Finds the message catalogs of the project: every `messages/` folder under src/, with one
// file per locale (`en.ts`, `zh-CN.ts`) each exporting its catalog as the default export
// (src/i18n/index.ts states the convention). Other files in the folder (an index.ts) are not
// catalogs and are left alone.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LOCALES, type Locale } from '../../src/i18n/index.js';

export interface CatalogFolder {
  /** The folder, relative to the searched root (e.g. `doctor/messages`). */
  folder: string;
  /** The catalog file of each locale, absolute; undefined where a locale has none. */
  files: Record<Locale, string | undefined>;
}

/** Every folder named `messages` under `root`, searched recursively, sorted by path. */
export function findCatalogFolders(root: string): CatalogFolder[] {
  const out: CatalogFolder[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (entry.name === 'messages') {
        const names = new Set(readdirSync(path));
        const files = Object.fromEntries(
          LOCALES.map((l) => [l, names.has(`${l}.ts`) ? join(path, `${l}.ts`) : undefined]),
        ) as Record<Locale, string | undefined>;
        out.push({ folder: relative(root, path), files });
      }
      walk(path);
    }
  };
  walk(root);
  return out.sort((a, b) => a.folder.localeCompare(b.folder));
}
