import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AppMetrics } from '../../src/app/app-metrics.js';
import type { App } from '../../src/app/app.js';
import { buildApp } from '../../src/app/build-app.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createLogger } from '../../src/log/index.js';
import { FixtureProxy, escapePath } from '../support/fixture-proxy.js';
import { rawRequest } from '../support/raw-request.js';
import { parseExposition, sumOf } from './exposition.js';

const HELLO = 'example.com/hello';

function configFor(dataDir: string, upstream: string, settings: Record<string, unknown>): Config {
  return loadConfig({
    flags: {
      listen: '127.0.0.1:0',
      data_dir: dataDir,
      upstream,
      'log.level': 'silent',
      'sumdb.verify': false,
      ...settings,
    },
  });
}

describe('metrics.listen and metrics.enabled', () => {
  let fixture: FixtureProxy;
  let dataDir: string;
  const apps: App[] = [];

  before(async () => {
    fixture = await FixtureProxy.create([
      { path: HELLO, version: 'v1.0.0', files: { 'hello.go': 'package hello\n' } },
    ]);
    dataDir = await mkdtemp(join(tmpdir(), 'modgate-data-'));
  });
  after(async () => {
    for (const app of apps) await app.stop();
    await fixture.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(
    settings: Record<string, unknown>,
  ): Promise<{ url: string; metricsUrl?: string | undefined }> {
    const config = configFor(dataDir, fixture.url, settings);
    const app = await buildApp(config, createLogger(config.log));
    apps.push(app);
    return app.start();
  }

  test('metrics.listen: /metrics only on the second address, which serves nothing else', async () => {
    const { url, metricsUrl } = await start({ 'metrics.listen': '127.0.0.1:0' });
    assert.ok(metricsUrl !== undefined && metricsUrl !== url);
    assert.equal((await rawRequest(url, '/metrics')).status, 404);
    assert.equal((await rawRequest(metricsUrl, '/healthz')).status, 404);
    assert.equal((await rawRequest(metricsUrl, `/${escapePath(HELLO)}/@v/list`)).status, 404);
    assert.equal((await rawRequest(metricsUrl, '/metrics', { method: 'POST' })).status, 405);
    // Requests to the main listener are counted; scrapes of the second one are not requests.
    assert.equal((await rawRequest(url, `/${escapePath(HELLO)}/@v/list`)).status, 200);
    let samples = parseExposition((await rawRequest(metricsUrl, '/metrics')).body.toString());
    for (
      let i = 0;
      i < 200 && sumOf(samples, 'modgate_http_requests_total', { route: 'list' }) < 1;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 25));
      samples = parseExposition((await rawRequest(metricsUrl, '/metrics')).body.toString());
    }
    assert.equal(sumOf(samples, 'modgate_http_requests_total', { route: 'list' }), 1);
    assert.equal(
      sumOf(samples, 'modgate_http_requests_total', { route: 'metrics' }),
      1,
      'the 404 on the main listener',
    );
  });

  test('metrics.listen: the second listener closes with the app', async () => {
    const config = configFor(dataDir, fixture.url, { 'metrics.listen': '127.0.0.1:0' });
    const app = await buildApp(config, createLogger(config.log));
    const { metricsUrl } = await app.start();
    assert.ok(metricsUrl !== undefined);
    assert.equal((await rawRequest(metricsUrl, '/metrics')).status, 200);
    await app.stop();
    await assert.rejects(rawRequest(metricsUrl, '/metrics'), /ECONNREFUSED/);
  });

  test('requests refused by the rate limiter are counted', async () => {
    const { url, metricsUrl } = await start({
      'metrics.listen': '127.0.0.1:0',
      'rate_limit.requests_per_second': 1,
      'rate_limit.burst': 1,
    });
    assert.ok(metricsUrl !== undefined);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await rawRequest(url, '/healthz')).status);
    const refused = statuses.filter((s) => s === 429).length;
    assert.ok(refused >= 1, `statuses ${statuses.join(' ')}`);
    let samples = parseExposition((await rawRequest(metricsUrl, '/metrics')).body.toString());
    for (let i = 0; i < 200 && sumOf(samples, 'modgate_http_rate_limited_total') < refused; i++) {
      await new Promise((r) => setTimeout(r, 25));
      samples = parseExposition((await rawRequest(metricsUrl, '/metrics')).body.toString());
    }
    assert.equal(sumOf(samples, 'modgate_http_rate_limited_total'), refused);
    assert.equal(sumOf(samples, 'modgate_http_requests_total', { code_class: '4xx' }), refused);
  });

  test('credentials of an upstream URL never reach the upstream label', async () => {
    const withSecret = fixture.url.replace('http://', 'http://gouser:s3cret-t0ken@');
    const config = configFor(dataDir, withSecret, {});
    const app = await buildApp(config, createLogger(config.log));
    apps.push(app);
    const { url } = await app.start();
    assert.equal((await rawRequest(url, `/${escapePath(HELLO)}/@v/v1.0.0.info`)).status, 200);
    const text = (await rawRequest(url, '/metrics')).body.toString();
    const samples = parseExposition(text);
    assert.ok(sumOf(samples, 'modgate_upstream_requests_total', { upstream: fixture.url }) >= 1);
    assert.ok(
      !text.includes('s3cret-t0ken') && !text.includes('gouser'),
      'credentials in /metrics',
    );
  });

  test('metrics.enabled false: no metrics object at all, /metrics is 404', async () => {
    const config = configFor(dataDir, fixture.url, { 'metrics.enabled': false });
    assert.equal(AppMetrics.create(config, createLogger(config.log)), undefined);
    const { url, metricsUrl } = await start({ 'metrics.enabled': false });
    assert.equal(metricsUrl, undefined);
    const res = await rawRequest(url, '/metrics');
    assert.equal(res.status, 404);
    assert.equal((await rawRequest(url, `/${escapePath(HELLO)}/@v/list`)).status, 200);
  });
});
