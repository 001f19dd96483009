// The Grafana dashboard (deploy/grafana/modgate-dashboard.json) is importable and provisionable
// anywhere: its data source is the `DS_PROMETHEUS` variable, it filters by instance and
// upstream, its panels do not overlap, and every query is PromQL Prometheus accepts — checked
// by promtool, with Grafana's variables replaced by values, as the rules of a scratch file.
// (Which metrics the queries name is metric-names.test.ts's job.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { stringify } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Datasource {
  type?: string;
  uid?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: Datasource;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { expr?: string; datasource?: Datasource }[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query: string };
  datasource?: Datasource;
}
const dash = JSON.parse(
  readFileSync(join(root, 'deploy/grafana/modgate-dashboard.json'), 'utf8'),
) as {
  uid: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
};
const DS = '${DS_PROMETHEUS}';
const all = (list: Panel[]): Panel[] => list.flatMap((p) => [p, ...all(p.panels ?? [])]);
const panels = all(dash.panels);

test('the dashboard takes its data source and filters from variables', () => {
  assert.ok(dash.schemaVersion >= 36, `schemaVersion ${dash.schemaVersion}`);
  assert.ok(dash.uid);
  const vars = new Map(dash.templating.list.map((v) => [v.name, v]));
  assert.equal(vars.get('DS_PROMETHEUS')?.type, 'datasource');
  assert.equal(vars.get('DS_PROMETHEUS')?.query, 'prometheus');
  for (const name of ['instance', 'upstream']) {
    assert.equal(vars.get(name)?.type, 'query', name);
    assert.equal(vars.get(name)?.datasource?.uid, DS, name);
  }
  for (const p of panels.filter((p) => p.type !== 'row')) {
    assert.equal(p.datasource?.uid, DS, `panel ${p.title}`);
    assert.ok((p.targets ?? []).length > 0, `panel ${p.title} has no query`);
    for (const t of p.targets ?? []) {
      assert.equal(t.datasource?.uid, DS, `panel ${p.title}`);
      assert.match(t.expr ?? '', /instance=~"\$instance"/, `panel ${p.title}: not filtered`);
    }
  }
});

test('panels have unique ids and do not overlap', () => {
  const ids = panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  const cells = new Map<string, string>();
  for (const p of panels) {
    const { h, w, x, y } = p.gridPos;
    assert.ok(x >= 0 && w > 0 && x + w <= 24, `panel ${p.title}: outside the 24-column grid`);
    for (let i = x; i < x + w; i++)
      for (let j = y; j < y + h; j++) {
        const other = cells.get(`${i},${j}`);
        assert.equal(other, undefined, `panels ${other} and ${p.title} overlap`);
        cells.set(`${i},${j}`, p.title);
      }
  }
});

test('every query of the dashboard is valid PromQL (promtool)', () => {
  const exprs = panels.flatMap((p) => (p.targets ?? []).flatMap((t) => (t.expr ? [t.expr] : [])));
  assert.ok(exprs.length > 30);
  // Grafana's variables, replaced by values of the same syntax class.
  const concrete = (e: string): string =>
    e
      .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m')
      .replace(/\$\{[^}]*\}|\$[A-Za-z_]+/g, '.*');
  const rules = {
    groups: [
      {
        name: 'dashboard',
        rules: exprs.map((e, i) => ({ record: `dashboard_query_${i}`, expr: concrete(e) })),
      },
    ],
  };
  const dir = mkdtempSync(join(tmpdir(), 'modgate-dashboard-'));
  try {
    writeFileSync(join(dir, 'queries.yaml'), stringify(rules));
    const r = spawnSync('promtool', ['check', 'rules', 'queries.yaml'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
      assert.fail('promtool is not installed: it comes with the Debian package `prometheus`');
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
