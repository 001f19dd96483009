// The shipped Prometheus files (deploy/prometheus) as Prometheus itself reads them: promtool
// checks the rules and the example configuration and runs the rules' unit tests; and the test
// file covers every alert both ways (a series that fires it and an evaluation where nothing
// fires), so a new alert cannot ship untested. promtool comes from the Debian package
// `prometheus`, which `npm test` installs through `scripts/setup.mjs --test`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = join(root, 'deploy', 'prometheus');

/** Runs promtool in deploy/prometheus; fails the test with its output when it exits non-zero. */
function promtool(...args: string[]): string {
  const r = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
    assert.fail(
      'promtool is not installed: it comes with the Debian package `prometheus` ' +
        '(`node scripts/setup.mjs --test` installs it, as `npm test` does)',
    );
  if (r.error) throw r.error;
  const output = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, `promtool ${args.join(' ')} failed:\n${output}`);
  return output;
}

interface Rule {
  alert?: string;
  record?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface AlertTest {
  alertname: string;
  exp_alerts?: unknown[];
}
interface RulesFile {
  groups: { name: string; rules: Rule[] }[];
}
interface TestFile {
  tests: { alert_rule_test?: AlertTest[] }[];
}

const rules = parse(readFileSync(join(dir, 'modgate-rules.yaml'), 'utf8')) as RulesFile;
const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);

test('promtool check rules: the rules file is valid', () => {
  assert.match(promtool('check', 'rules', 'modgate-rules.yaml'), /SUCCESS/);
});

test('promtool test rules: the unit tests of the rules pass', () => {
  assert.match(promtool('test', 'rules', 'modgate-rules.test.yaml'), /SUCCESS/);
});

test('promtool check config: the example Prometheus configuration is valid', () => {
  assert.match(promtool('check', 'config', 'prometheus.example.yaml'), /SUCCESS/);
});

test('every alert is tested firing and quiet', () => {
  const unit = parse(readFileSync(join(dir, 'modgate-rules.test.yaml'), 'utf8')) as TestFile;
  const evals = unit.tests.flatMap((t) => t.alert_rule_test ?? []);
  assert.ok(alerts.length > 0);
  for (const { alert } of alerts) {
    const mine = evals.filter((e) => e.alertname === alert);
    assert.ok(
      mine.some((e) => (e.exp_alerts ?? []).length > 0),
      `${alert}: no alert_rule_test where it fires`,
    );
    assert.ok(
      mine.some((e) => (e.exp_alerts ?? []).length === 0),
      `${alert}: no alert_rule_test where it stays quiet`,
    );
  }
});

test('every alert has a severity, a summary, a description and a runbook', () => {
  for (const r of alerts) {
    assert.ok(['page', 'ticket'].includes(r.labels?.severity ?? ''), `${r.alert}: severity`);
    assert.ok(r.annotations?.summary, `${r.alert}: summary`);
    assert.ok(r.annotations?.description, `${r.alert}: description`);
    assert.equal(
      r.annotations?.runbook_url,
      `docs/operations.md#${r.alert!.toLowerCase()}`,
      `${r.alert}: runbook_url names its section of the operations guide`,
    );
  }
});
