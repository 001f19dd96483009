import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { CONFIG_KEYS, envNameFor, loadConfig } from '../../src/config/index.js';

// The example file and the reference ship with the code: they must stay in step with the
// schema. Compiled to dist/test/config/, so the repository root is three levels up.
const root = new URL('../../../', import.meta.url);
const examplePath = fileURLToPath(new URL('modgate.example.yaml', root));
const exampleText = readFileSync(examplePath, 'utf8');
const referenceText = readFileSync(new URL('docs/configuration.md', root), 'utf8');

function leafKeys(node: unknown, prefix: string): string[] {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return [prefix];
  return Object.entries(node).flatMap(([k, v]) =>
    leafKeys(v, prefix === '' ? k : `${prefix}.${k}`),
  );
}

test('modgate.example.yaml loads and equals the built-in defaults', () => {
  const cwd = '/srv/modgate';
  assert.deepEqual(loadConfig({ file: examplePath, cwd }), loadConfig({ cwd }));
});

test('modgate.example.yaml sets every key, and names its environment variable', () => {
  const keys = leafKeys(parseYaml(exampleText), '').sort();
  assert.deepEqual(keys, [...CONFIG_KEYS].sort());
  for (const key of CONFIG_KEYS) {
    assert.ok(exampleText.includes(`Env: ${envNameFor(key)}`), `${key}: env var not mentioned`);
  }
});

test('docs/configuration.md documents every key with its environment variable', () => {
  for (const key of CONFIG_KEYS) {
    const row = new RegExp(
      `^\\| \`${key.replace(/\./g, '\\.')}\` \\| .* \\| \`${envNameFor(key)}\` \\|`,
      'm',
    );
    assert.match(referenceText, row, `${key}: no row in the settings table`);
    assert.ok(referenceText.includes(`### \`${key}\``), `${key}: no section`);
  }
});
