import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { FaultUpstream } from '../../support/fault-upstream.js';
import { FixtureProxy } from '../../support/fixture-proxy.js';
import { startModgate } from '../../support/modgate-instance.js';
import { rawRequest } from '../../support/raw-request.js';
import { TestSumdb } from '../../support/test-sumdb.js';

interface Readyz {
  ready: boolean;
  storage: { backend: string; ok: boolean; error?: string };
  upstreams: { upstream: string; state: string; lastError?: string }[];
  sumdb: { name: string; ok: boolean; lastError?: string }[];
}

const PKG = JSON.parse(
  readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

test('a dead first upstream in `|`: its breaker opens, is skipped, and /readyz says so while ready', async () => {
  const good = await FixtureProxy.create([{ path: 'example.com/m', version: 'v1.0.0' }]);
  const dead = await FaultUpstream.start(good.root);
  dead.set(/.*/, { kind: 'status', status: 503, body: 'down' });
  const deadUrl = dead.url.replace('http://', 'http://ops:s3cret@');
  const modgate = await startModgate({
    upstream: `${deadUrl}|${good.url}`,
    private: 'corp.example/*,*.internal',
    settings: {
      'resilience.retries': 1,
      'resilience.retry_initial_delay': '1ms',
      'resilience.breaker_failures': 3,
      'resilience.breaker_cooldown': '1h',
    },
  });
  try {
    // Each query costs the dead upstream two attempts (one retry) until the breaker opens at 3.
    for (const q of ['v1.0.0.info', 'v1.0.0.mod', 'list']) {
      const res = await rawRequest(modgate.url, `/example.com/m/@v/${q}`);
      assert.equal(res.status, 200, q);
    }
    assert.equal(dead.requests.length, 3, 'attempts at the dead upstream stop at the breaker');
    const zip = await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.zip');
    assert.equal(zip.status, 200);
    assert.equal(dead.requests.length, 3, 'an open breaker is skipped at once');

    const ready = await rawRequest(modgate.url, '/readyz');
    assert.equal(ready.status, 200, 'an open breaker does not fail readiness');
    assert.equal(ready.headers['content-type'], 'application/json');
    const body = JSON.parse(ready.body.toString()) as Readyz;
    assert.equal(body.ready, true);
    assert.equal(body.storage.ok, true);
    assert.deepEqual(
      body.upstreams.map((u) => [u.upstream, u.state]),
      [
        [dead.url, 'open'],
        [good.url, 'closed'],
        ['direct', 'closed'],
      ],
    );
    assert.match(body.upstreams[0]?.lastError ?? '', /503/);
    assert.doesNotMatch(ready.body.toString(), /s3cret/);

    const version = await rawRequest(modgate.url, '/version');
    assert.equal(version.status, 200);
    const v = JSON.parse(version.body.toString()) as {
      version: string;
      commit: string;
      node: string;
      config: { storage: string; upstream: string[]; privatePatterns: number; features: object };
    };
    assert.equal(v.version, PKG.version);
    assert.match(v.commit, /^([0-9a-f]{40}|unknown)$/);
    assert.equal(v.node, process.version);
    assert.equal(v.config.storage, 'disk');
    assert.equal(v.config.privatePatterns, 2);
    assert.equal(v.config.upstream.length, 2);
    assert.doesNotMatch(version.body.toString(), /s3cret|corp\.example|internal/);
    assert.equal((await rawRequest(modgate.url, '/healthz')).body.toString(), 'ok\n');
  } finally {
    await modgate.stop();
    await dead.close();
    await good.close();
  }
});

test('a dead upstream followed by `,`: 502 at once once its breaker is open, saying so', async () => {
  const good = await FixtureProxy.create([{ path: 'example.com/m', version: 'v1.0.0' }]);
  const dead = await FaultUpstream.start(good.root);
  dead.set(/.*/, { kind: 'status', status: 500 });
  const modgate = await startModgate({
    upstream: `${dead.url},${good.url}`,
    settings: { 'resilience.retries': 0, 'resilience.breaker_failures': 2 },
  });
  try {
    for (let i = 0; i < 2; i++) {
      assert.equal((await rawRequest(modgate.url, `/example.com/m/@v/v1.0.${i}.info`)).status, 502);
    }
    const refused = await rawRequest(modgate.url, '/example.com/m/@v/v1.0.0.info');
    assert.equal(refused.status, 502);
    assert.match(refused.body.toString(), /circuit breaker open after 2 consecutive failures/);
    assert.equal(dead.requests.length, 2);
    assert.equal(good.requests.length, 0);
  } finally {
    await modgate.stop();
    await dead.close();
    await good.close();
  }
});

test('an open breaker keeps stale lists and @latest served', async () => {
  const good = await FixtureProxy.create([{ path: 'example.com/m', version: 'v1.0.0' }]);
  const flaky = await FaultUpstream.start(good.root);
  const modgate = await startModgate({
    upstream: flaky.url,
    listTtl: '0s',
    settings: { 'resilience.retries': 0, 'resilience.breaker_failures': 2 },
  });
  try {
    for (const path of ['/example.com/m/@v/list', '/example.com/m/@latest']) {
      assert.equal((await rawRequest(modgate.url, path)).status, 200, path);
    }
    flaky.set(/.*/, { kind: 'status', status: 503 });
    for (let i = 0; i < 4; i++) {
      for (const path of ['/example.com/m/@v/list', '/example.com/m/@latest']) {
        const res = await rawRequest(modgate.url, path);
        assert.equal(res.status, 200, path);
        assert.equal(res.headers['x-modgate-cache'], 'stale', path);
      }
    }
    assert.equal(flaky.requests.length, 2 + 2, 'two refreshes failed, then the breaker opened');
    const ready = JSON.parse((await rawRequest(modgate.url, '/readyz')).body.toString()) as Readyz;
    assert.equal(ready.upstreams[0]?.state, 'open');
  } finally {
    await modgate.stop();
    await flaky.close();
    await good.close();
  }
});

test('/readyz shows how the last request to each checksum database went, without failing', async () => {
  const good = await FixtureProxy.create([{ path: 'example.com/m', version: 'v1.0.0' }]);
  const sumdb = await TestSumdb.create();
  const modgate = await startModgate({
    upstream: good.url,
    settings: { 'sumdb.databases': `${sumdb.verifierKey} ${sumdb.url}`, 'sumdb.proxy': true },
  });
  const health = async (): Promise<Readyz['sumdb']> => {
    const res = await rawRequest(modgate.url, '/readyz');
    assert.equal(res.status, 200);
    return (JSON.parse(res.body.toString()) as Readyz).sumdb;
  };
  try {
    assert.deepEqual(await health(), [{ name: sumdb.name, ok: true }], 'not asked yet: ok');
    const lookup = '/lookup/example.com/m@v1.0.0';
    sumdb.overrides.set(lookup, { status: 500, body: 'database down' });
    const failed = await rawRequest(modgate.url, `/sumdb/${sumdb.name}${lookup}`);
    assert.ok(failed.status >= 500, String(failed.status));
    const [down] = await health();
    assert.equal(down?.ok, false);
    assert.match(down?.lastError ?? '', /500/);
    sumdb.overrides.delete(lookup);
    assert.equal((await rawRequest(modgate.url, `/sumdb/${sumdb.name}/latest`)).status, 200);
    assert.deepEqual(await health(), [{ name: sumdb.name, ok: true }], 'answered again: ok');
  } finally {
    await modgate.stop();
    await sumdb.close();
    await good.close();
  }
});
