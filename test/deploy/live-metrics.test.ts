// The metric list of docs/operations.md is what a running modgate exposes at /metrics:
// the same metric names and types, each metric with the documented labels, and every label
// value seen among the documented ones. Together with metric-names.test.ts (the rules and the
// dashboard select only documented metrics, labels and values) nothing shipped in deploy/ can
// name a metric modgate does not produce.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { startModgate } from '../support/modgate-instance.js';
import { RedisServer } from '../support/redis-server.js';
import { TestSumdb } from '../support/test-sumdb.js';
import { documentedCatalogue, scrapedCatalogue, type Catalogue } from './metric-catalogue.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const documented = documentedCatalogue(readFileSync(join(root, 'docs/operations.md'), 'utf8'));

/**
 * A /metrics scrape of a running modgate after a few requests, with every optional part
 * switched on: checksum verification (its module exempted, so downloads succeed with the gate
 * in place), its own checksum database and coordination through a real Redis; and a first upstream that is down, so that the
 * upstream metrics have failures, retries and a breaker that opened.
 */
async function scrape(): Promise<string> {
  const fixture = await FixtureProxy.create([
    { path: 'example.com/metrics', version: 'v1.0.0', files: { 'm.go': 'package metrics\n' } },
  ]);
  const down = await FixtureProxy.create([]);
  down.setDown(true);
  const db = await TestSumdb.create();
  const redis = await RedisServer.start();
  try {
    const modgate = await startModgate({
      upstream: `${down.url}|${fixture.url}`,
      settings: {
        'resilience.retries': 1,
        'resilience.retry_initial_delay': '1ms',
        'resilience.breaker_failures': 2,
        'sumdb.databases': `${db.verifierKey} ${db.url}`,
        'sumdb.verify': true,
        'sumdb.no_verify': 'example.com',
        'sumdb.server.enabled': true,
        'coordination.redis_url': redis.url,
      },
    });
    try {
      const m = 'example.com/metrics/@v/';
      for (const path of [
        `${m}list`,
        `${m}v1.0.0.info`,
        `${m}v1.0.0.mod`,
        `${m}v1.0.0.zip`,
        `${m}v1.0.0.info`,
        'example.com/metrics/@latest',
        'example.com/missing/@v/list',
        'healthz',
        'readyz',
      ]) {
        const r = await fetch(`${modgate.url}/${path}`);
        const body = Buffer.from(await r.arrayBuffer()).toString();
        // Answered, so the labelled series below are real ones (the missing module: 502, as
        // the chain reports the first upstream's failure rather than the second's 404).
        assert.equal(r.status, path.includes('missing') ? 502 : 200, `${path}: ${body}`);
      }
      const r = await fetch(`${modgate.url}/metrics`);
      const text = await r.text();
      assert.equal(r.status, 200, text);
      return text;
    } finally {
      await modgate.stop();
    }
  } finally {
    await redis.close();
    await db.close();
    await down.close();
    await fixture.close();
  }
}

test('the documented list is what a running modgate exposes', async () => {
  const live = scrapedCatalogue(await scrape());
  const kinds = (c: Catalogue): string[] => [...c].map(([n, f]) => `${n} ${f.type}`).sort();
  assert.deepEqual(kinds(documented), kinds(live));
  const problems: string[] = [];
  for (const [name, seen] of live) {
    const doc = documented.get(name);
    if (doc === undefined || seen.labels.size === 0) continue; // no series to compare
    const names = (c: Map<string, unknown>): string => [...c.keys()].sort().join(', ');
    if (names(seen.labels) !== names(doc.labels))
      problems.push(`${name}: labels ${names(seen.labels)}, documented ${names(doc.labels)}`);
    for (const [label, values] of seen.labels) {
      const allowed = doc.labels.get(label);
      if (allowed === undefined) continue; // open values
      for (const v of values ?? [])
        if (!allowed.includes(v)) problems.push(`${name}{${label}="${v}"} is not documented`);
    }
  }
  assert.deepEqual(problems, []);
});
