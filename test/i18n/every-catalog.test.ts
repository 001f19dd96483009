// Every message catalog of the project — found by looking, not by a list, so a new one is
// covered from its first commit — exists in every language with the same keys and the same
// placeholders (issue 15: "a test that every message key exists in both languages").
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { LOCALES, assertSameKeys, type Catalog } from '../../src/i18n/index.js';
import { findCatalogFolders } from './find-catalogs.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const srcDir = join(root, 'src');

/** The compiled module of a source file under src/ (the tests run from dist/). */
async function loadCatalog(sourceFile: string): Promise<Catalog> {
  const compiled = join(root, 'dist', relative(root, sourceFile)).replace(/\.ts$/, '.js');
  const mod = (await import(pathToFileURL(compiled).href)) as { default?: unknown };
  const catalog = mod.default;
  assert.ok(
    typeof catalog === 'object' && catalog !== null,
    `${relative(root, sourceFile)}: a catalog file exports its catalog as the default export`,
  );
  return catalog as Catalog;
}

test('every messages/ folder under src/ has every language, with the same keys', async () => {
  const folders = findCatalogFolders(srcDir);
  const problems: string[] = [];
  for (const { folder, files } of folders) {
    const catalogs: Record<string, Catalog> = {};
    for (const locale of LOCALES) {
      const file = files[locale];
      if (file === undefined) problems.push(`src/${folder}: no ${locale}.ts`);
      else catalogs[locale] = await loadCatalog(file);
    }
    try {
      assertSameKeys(catalogs);
    } catch (err) {
      problems.push(`src/${folder}: ${(err as Error).message}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the catalogs of the doctor are among those found', () => {
  const found = findCatalogFolders(srcDir).map((f) => f.folder);
  assert.ok(found.includes(join('doctor', 'messages')), `found: ${found.join(', ')}`);
});

test('findCatalogFolders finds nested messages/ folders and the languages each lacks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modgate-catalogs-'));
  try {
    mkdirSync(join(dir, 'a', 'messages'), { recursive: true });
    mkdirSync(join(dir, 'b', 'c', 'messages'), { recursive: true });
    writeFileSync(join(dir, 'a', 'messages', 'en.ts'), '');
    writeFileSync(join(dir, 'a', 'messages', 'index.ts'), '');
    writeFileSync(join(dir, 'b', 'c', 'messages', 'en.ts'), '');
    writeFileSync(join(dir, 'b', 'c', 'messages', 'zh-CN.ts'), '');
    const found = findCatalogFolders(dir);
    assert.deepEqual(
      found.map((f) => [f.folder, f.files.en !== undefined, f.files['zh-CN'] !== undefined]),
      [
        [join('a', 'messages'), true, false],
        [join('b', 'c', 'messages'), true, true],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
