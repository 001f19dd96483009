// The Chinese documentation (issue 15 item 3): README.zh-CN.md and docs/zh-CN/ link to their
// English sources and back, every relative link and anchor in them resolves, and the Chinese
// operations guide has a runbook section for every shipped alert, under the same anchor as
// the English one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

/** The anchors GitHub makes of a Markdown file's headings: lower case, punctuation dropped (letters of any script kept), - for spaces. */
function anchorsOf(path: string): Set<string> {
  const text = read(path).replace(/^```[\s\S]*?^```/gm, '');
  return new Set(
    [...text.matchAll(/^#{1,6}\s+(.+?)\s*$/gm)].map((m) =>
      m[1]!
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

/** Relative links of a Markdown file (code blocks left out), as written. */
function linksOf(path: string): string[] {
  const text = read(path).replace(/^```[\s\S]*?^```/gm, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((link) => !/^[a-z]+:/.test(link));
}

const chinese = [
  'README.zh-CN.md',
  ...readdirSync(join(root, 'docs', 'zh-CN'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/zh-CN/${f}`),
];

test('every relative link and anchor of the Chinese docs resolves', () => {
  const broken: string[] = [];
  for (const doc of chinese) {
    for (const link of linksOf(doc)) {
      const [file, anchor] = link.split('#') as [string, string | undefined];
      const target = file === '' ? doc : relative(root, resolve(dirname(join(root, doc)), file));
      if (!existsSync(join(root, target))) broken.push(`${doc}: ${link} (no ${target})`);
      else if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(target).has(anchor))
        broken.push(`${doc}: ${link} (no heading for #${anchor} in ${target})`);
    }
  }
  assert.deepEqual(broken, []);
});

test('the English and Chinese versions link to each other', () => {
  const pairs: [string, string][] = [
    ['README.md', 'README.zh-CN.md'],
    ['README.md', 'docs/zh-CN/doctor.md'],
    ['docs/operations.md', 'docs/zh-CN/operations.md'],
    ['docs/dashboard.md', 'docs/zh-CN/dashboard.md'],
  ];
  const missing: string[] = [];
  const linksTo = (from: string, to: string): boolean =>
    linksOf(from).some(
      (l) => relative(root, resolve(dirname(join(root, from)), l.split('#')[0]!)) === to,
    );
  for (const [en, zh] of pairs) {
    if (!linksTo(en, zh)) missing.push(`${en} → ${zh}`);
    if (!linksTo(zh, en)) missing.push(`${zh} → ${en}`);
  }
  assert.deepEqual(missing, []);
});

test('the Chinese operations guide has a runbook section for every alert, under the English anchor', () => {
  const rules = parse(read('deploy/prometheus/modgate-rules.yaml')) as {
    groups: { rules: { alert?: string }[] }[];
  };
  const anchors = anchorsOf('docs/zh-CN/operations.md');
  const missing = rules.groups
    .flatMap((g) => g.rules)
    .map((r) => r.alert)
    .filter((a): a is string => a !== undefined && !anchors.has(a.toLowerCase()));
  assert.deepEqual(missing, []);
});
