// Every PromQL expression shipped in deploy/ (the alert and recording rules, the Grafana
// dashboard's panels and template variables) names only metrics modgate has: the metric
// list of docs/operations.md, a recording rule of the rules file, or Prometheus' own `up`.
// A histogram's _bucket/_sum/_count series count as the histogram. So a renamed metric
// breaks this test instead of silently emptying a panel or disarming an alert.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse } from 'yaml';
import { metricNames } from './promql-metric-names.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

/** A metric family's name → its type, e.g. modgate_http_requests_total → counter. */
type Families = Map<string, string>;

/** The metric list of docs/operations.md: its table rows "| `modgate_…` | type | …". */
function documentedFamilies(): Families {
  const out: Families = new Map();
  for (const m of read('docs/operations.md').matchAll(
    /^\|\s*`(modgate_[a-z0-9_]+)`\s*\|\s*(counter|gauge|histogram|summary)\s*\|/gm,
  ))
    out.set(m[1]!, m[2]!);
  return out;
}

/** Every expression in the shipped rules and dashboard, with where it comes from. */
function shippedExpressions(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  const rules = parse(read('deploy/prometheus/modgate-rules.yaml')) as {
    groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
  };
  for (const r of rules.groups.flatMap((g) => g.rules))
    out.push({ where: `rules: ${r.alert ?? r.record}`, expr: r.expr });

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

const recorded = new Set(
  (
    parse(read('deploy/prometheus/modgate-rules.yaml')) as {
      groups: { rules: { record?: string }[] }[];
    }
  ).groups
    .flatMap((g) => g.rules)
    .flatMap((r) => (r.record ? [r.record] : [])),
);

/** Why `name` is not a metric of `families` (a message), or undefined when it is one. */
function unknown(name: string, families: Families): string | undefined {
  if (name === 'up' || recorded.has(name) || families.has(name)) return undefined;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  const type = m ? families.get(m[1]!) : undefined;
  if (type === 'histogram' || (type === 'summary' && m?.[2] !== 'bucket')) return undefined;
  return name.includes(':') ? `${name} is not a recording rule` : `${name} is not a metric`;
}

function assertOnlyKnownMetrics(families: Families): void {
  const problems: string[] = [];
  let names = 0;
  for (const { where, expr } of shippedExpressions()) {
    for (const name of metricNames(expr)) {
      names++;
      const why = unknown(name, families);
      if (why) problems.push(`${where}: ${why}`);
    }
  }
  assert.ok(names > 50, `only ${names} metric names found: is the tokenizer reading the files?`);
  assert.deepEqual(problems, []);
}

test('the rules and the dashboard use only metrics of the documented list', () => {
  const documented = documentedFamilies();
  assert.ok(documented.size > 30, 'the metric tables of docs/operations.md were not found');
  assertOnlyKnownMetrics(documented);
});

test('every metric of the documented list is used by the dashboard or the rules', () => {
  // Not a rule of Prometheus, a check on this dashboard: a metric nobody can see is either
  // missing from the dashboard or should not exist. Node's internals are exempt.
  const used = new Set(
    shippedExpressions().flatMap(({ expr }) =>
      metricNames(expr).map((n) => n.replace(/_(bucket|sum|count)$/, '')),
    ),
  );
  const unseen = [...documentedFamilies().keys()].filter(
    (n) => !used.has(n) && !/^modgate_(process|nodejs)_/.test(n),
  );
  assert.deepEqual(unseen, []);
});
