// Every PromQL expression shipped in deploy/ (the alert and recording rules, the Grafana
// dashboard's panels and template variables) selects only metrics modgate has — the metric
// list of docs/operations.md, a recording rule of the rules file, or Prometheus' own `up` —
// with labels those metrics carry and label values they can take. A histogram's
// _bucket/_sum/_count series count as the histogram. That list is what a real modgate
// exposes (live-metrics.test.ts). So a renamed metric, label or value breaks a test instead
// of silently emptying a panel or disarming an alert.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse } from 'yaml';
import { documentedCatalogue, type Catalogue, type Family } from './metric-catalogue.js';
import { metricNames, selectors, type Selector } from './promql-selectors.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const documented = documentedCatalogue(read('docs/operations.md'));

interface RuleFile {
  groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
}
const rules = (parse(read('deploy/prometheus/modgate-rules.yaml')) as RuleFile).groups.flatMap(
  (g) => g.rules,
);
const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));

/** Every expression in the shipped rules and dashboard, with where it comes from. */
function shippedExpressions(): { where: string; expr: string }[] {
  const out = rules.map((r) => ({ where: `rules: ${r.alert ?? r.record}`, expr: r.expr }));
  interface Panel {
    title: string;
    targets?: { expr?: string }[];
    panels?: Panel[];
  }
  const dash = JSON.parse(read('deploy/grafana/modgate-dashboard.json')) as {
    panels: Panel[];
    templating: { list: { name: string; type: string; query?: string | { query: string } }[] };
  };
  const panels = (list: Panel[]): Panel[] => list.flatMap((p) => [p, ...panels(p.panels ?? [])]);
  for (const p of panels(dash.panels))
    for (const t of p.targets ?? [])
      if (t.expr !== undefined) out.push({ where: `dashboard: ${p.title}`, expr: t.expr });
  for (const v of dash.templating.list.filter((v) => v.type === 'query')) {
    const q = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
    // Grafana's label_values(selector, label): the selector is PromQL, the label is not.
    const m = /^\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$/s.exec(q);
    out.push({ where: `dashboard variable: ${v.name}`, expr: m?.[1] ?? q });
  }
  return out;
}

/** Labels every scraped series has, added by Prometheus from the scrape configuration. */
const TARGET_LABELS = new Set(['job', 'instance']);

/** What is wrong with one selector against the catalogue (empty: nothing). */
function problemsOf(s: Selector, catalogue: Catalogue): string[] {
  if (s.name === '') return ['a selector without a metric name'];
  if (recorded.has(s.name)) return [];
  if (s.name.includes(':')) return [`${s.name} is not a recording rule`];
  const up: Family = { type: 'gauge', labels: new Map() };
  let family = s.name === 'up' ? up : catalogue.get(s.name);
  let extra: string[] = [];
  const m = /^(.*)_(bucket|sum|count)$/.exec(s.name);
  if (family === undefined && m) {
    const base = catalogue.get(m[1]!);
    if (base?.type === 'histogram') family = base;
    if (base?.type === 'histogram' && m[2] === 'bucket') extra = ['le'];
  }
  if (family === undefined) return [`${s.name} is not a metric`];
  const problems: string[] = [];
  for (const { label, op, value } of s.matchers) {
    if (TARGET_LABELS.has(label) || extra.includes(label)) continue;
    if (!family.labels.has(label)) {
      problems.push(`${s.name} has no label ${label}`);
      continue;
    }
    const allowed = family.labels.get(label);
    if (allowed === undefined || value.includes('$')) continue; // open values, or a variable
    const wanted = op === '=' || op === '!=' ? [value] : value.split('|');
    if (op.endsWith('~') && !wanted.every((w) => /^[A-Za-z0-9_.-]+$/.test(w)))
      problems.push(`${s.name}{${label}${op}"${value}"}: write value alternatives plainly`);
    else
      for (const w of wanted.filter((w) => !allowed.includes(w)))
        problems.push(`${s.name}{${label}${op}"${value}"}: ${label} is never "${w}"`);
  }
  return problems;
}

test('the rules and the dashboard select only documented metrics, labels and values', () => {
  assert.ok(documented.size > 30, 'the metric tables of docs/operations.md were not found');
  const problems: string[] = [];
  let count = 0;
  for (const { where, expr } of shippedExpressions())
    for (const s of selectors(expr)) {
      count++;
      problems.push(...problemsOf(s, documented).map((p) => `${where}: ${p}`));
    }
  assert.ok(count > 50, `only ${count} selectors found: is the tokenizer reading the files?`);
  assert.deepEqual(problems, []);
});

test('every documented metric is used by the dashboard or the rules', () => {
  // Not a rule of Prometheus, a check on this dashboard: a metric nobody can see is either
  // missing from the dashboard or should not exist. Node's internals are exempt.
  const used = new Set(
    shippedExpressions().flatMap(({ expr }) =>
      metricNames(expr).map((n) => n.replace(/_(bucket|sum|count)$/, '')),
    ),
  );
  const unseen = [...documented.keys()].filter(
    (n) => !used.has(n) && !/^modgate_(process|nodejs)_/.test(n),
  );
  assert.deepEqual(unseen, []);
});
