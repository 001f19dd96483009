// docs/operations.md is where the alerts' runbook_url annotations lead: every alert has its
// section there, and the guide's own links to its sections and to the shipped files resolve.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const guidePath = join(root, 'docs', 'operations.md');
const guide = readFileSync(guidePath, 'utf8');

/** The anchors GitHub makes of the guide's headings: lower case, punctuation dropped, - for spaces. */
const anchors = new Set(
  [...guide.matchAll(/^#{1,6}\s+(.+?)\s*$/gm)].map((m) =>
    m[1]!
      .toLowerCase()
      .replace(/[^a-z0-9 _-]/g, '')
      .replace(/ /g, '-'),
  ),
);

test('every alert has a runbook section in docs/operations.md', () => {
  const rules = parse(readFileSync(join(root, 'deploy/prometheus/modgate-rules.yaml'), 'utf8')) as {
    groups: { rules: { alert?: string; annotations?: { runbook_url?: string } }[] }[];
  };
  const missing = rules.groups
    .flatMap((g) => g.rules)
    .filter((r) => r.alert !== undefined)
    .map((r) => r.annotations?.runbook_url ?? `${r.alert}: no runbook_url`)
    .filter((url) => {
      const m = /^docs\/operations\.md#(.+)$/.exec(url);
      return !m || !anchors.has(m[1]!);
    });
  assert.deepEqual(missing, []);
});

test('the links of docs/operations.md resolve', () => {
  const broken: string[] = [];
  for (const m of guide.matchAll(/\]\(([^)\s]+)\)/g)) {
    const link = m[1]!;
    if (/^[a-z]+:/.test(link)) continue; // an external URL
    const [file, anchor] = link.split('#') as [string, string | undefined];
    if (file === '') {
      if (!anchors.has(anchor ?? '')) broken.push(link);
    } else if (!existsSync(join(dirname(guidePath), file))) broken.push(link);
  }
  assert.deepEqual(broken, []);
});
