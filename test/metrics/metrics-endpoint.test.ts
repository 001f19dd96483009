import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { FixtureProxy, escapePath } from '../support/fixture-proxy.js';
import { listFiles } from '../support/list-files.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { rawRequest } from '../support/raw-request.js';
import { has, parseExposition, promtoolCheckMetrics, sumOf, type Sample } from './exposition.js';

const HELLO = 'example.com/Hello';
const SLOW = 'example.com/slow';

/** Scrapes until `ready` holds (bounded: records land when a response's 'close' fires). */
async function scrapeUntil(
  url: string,
  ready: (samples: Sample[]) => boolean,
): Promise<{ samples: Sample[]; text: string; contentType: string | undefined }> {
  let last: { samples: Sample[]; text: string; contentType: string | undefined } | undefined;
  for (let i = 0; i < 200; i++) {
    const res = await rawRequest(url, '/metrics');
    assert.equal(res.status, 200);
    const text = res.body.toString();
    last = {
      samples: parseExposition(text),
      text,
      contentType: res.headers['content-type'] as string,
    };
    if (ready(last.samples)) return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(last !== undefined);
  return last;
}

describe('/metrics of a running modgate', () => {
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  let zipSize: number;

  before(async () => {
    fixture = await FixtureProxy.create([
      { path: HELLO, version: 'v1.0.0', files: { 'hello.go': 'package hello\n' } },
      { path: SLOW, version: 'v1.0.0', files: { 'slow.go': 'package slow\n' } },
    ]);
    zipSize = (await readFile(`${fixture.root}/${escapePath(HELLO)}/@v/v1.0.0.zip`)).length;
    modgate = await startModgate({ upstream: fixture.url });
  });
  after(async () => {
    await modgate.stop();
    await fixture.close();
  });

  test('requests by route, status class and cache result; zip bytes; no module path', async () => {
    const base = `/${escapePath(HELLO)}/@v/`;
    const get = async (path: string, method = 'GET'): Promise<number> =>
      (await rawRequest(modgate.url, path, { method })).status;
    assert.equal(await get(`${base}list`), 200);
    assert.equal(await get(`${base}v1.0.0.info`), 200); // miss
    assert.equal(await get(`${base}v1.0.0.info`), 200); // hit
    assert.equal(await get(`${base}v1.0.0.mod`), 200);
    assert.equal(await get(`${base}v1.0.0.zip`), 200); // miss
    assert.equal(await get(`${base}v1.0.0.zip`), 200); // hit
    assert.equal(await get(`${base}v1.0.0.zip`, 'HEAD'), 200); // no body: no bytes
    assert.equal(await get(`/${escapePath(HELLO)}/@v/v9.9.9.info`), 404);
    assert.equal(await get('/healthz'), 200);

    const { samples, text, contentType } = await scrapeUntil(
      modgate.url,
      (s) => sumOf(s, 'modgate_http_requests_total', { route: 'health' }) >= 1,
    );
    assert.match(contentType ?? '', /^text\/plain; version=0\.0\.4/);
    const requests = (labels: Record<string, string>): number =>
      sumOf(samples, 'modgate_http_requests_total', labels);
    assert.equal(requests({ route: 'list', code_class: '2xx' }), 1);
    assert.equal(requests({ route: 'info', code_class: '2xx', cache: 'miss' }), 1);
    assert.equal(requests({ route: 'info', code_class: '2xx', cache: 'hit' }), 1);
    assert.equal(requests({ route: 'info', code_class: '4xx' }), 1);
    assert.equal(requests({ route: 'mod', code_class: '2xx', cache: 'miss' }), 1);
    assert.equal(requests({ route: 'zip', code_class: '2xx', cache: 'miss' }), 1);
    assert.equal(requests({ route: 'zip', code_class: '2xx', cache: 'hit' }), 2);
    assert.equal(requests({ route: 'health', code_class: '2xx', cache: 'none' }), 1);
    assert.equal(
      sumOf(samples, 'modgate_http_response_bytes_total', { route: 'zip' }),
      2 * zipSize,
      'two GETs of the zip; the HEAD sent no body',
    );
    assert.equal(
      sumOf(samples, 'modgate_http_request_duration_seconds_count', { route: 'info' }),
      3,
    );
    assert.equal(
      sumOf(samples, 'modgate_http_request_duration_seconds_bucket', { route: 'info', le: '+Inf' }),
      3,
    );
    // Bounded labels only: the module path and version appear nowhere.
    for (const needle of ['example.com', 'Hello', '!hello', 'v1.0.0', 'v9.9.9']) {
      assert.ok(!text.includes(needle), `/metrics mentions ${needle}`);
    }
  });

  test('storage operations and stored totals agree with the data directory', async () => {
    await modgate.settle();
    const files = await listFiles(modgate.dataDir);
    const { samples } = await scrapeUntil(
      modgate.url,
      (s) => sumOf(s, 'modgate_storage_stored_objects') === files.length,
    );
    assert.equal(sumOf(samples, 'modgate_storage_stored_objects'), files.length);
    let bytes = 0;
    for (const f of files) bytes += (await readFile(`${modgate.dataDir}/${f}`)).length;
    assert.equal(sumOf(samples, 'modgate_storage_stored_bytes'), bytes);
    const ops = (labels: Record<string, string>): number =>
      sumOf(samples, 'modgate_storage_operations_total', labels);
    assert.ok(ops({ operation: 'put', outcome: 'ok' }) >= 3, 'info, mod and zip stored');
    assert.ok(ops({ operation: 'get', outcome: 'not_found' }) >= 1, 'misses read storage first');
    assert.equal(ops({ outcome: 'error' }), 0);
    assert.ok(sumOf(samples, 'modgate_storage_filesystem_size_bytes') > 0);
    assert.ok(sumOf(samples, 'modgate_storage_filesystem_free_bytes') > 0);
  });

  test('coalesced waiters, answer cache, readiness, build and process metrics', async () => {
    // Concurrent misses of one slow .mod: one upstream request, the others join it.
    fixture.overrides.set(`${escapePath(SLOW)}/@v/v1.0.0.mod`, { delayMs: 1500 });
    const mod = `/${escapePath(SLOW)}/@v/v1.0.0.mod`;
    const statuses = await Promise.all([1, 2, 3, 4].map(() => rawRequest(modgate.url, mod)));
    assert.deepEqual(
      statuses.map((r) => r.status),
      [200, 200, 200, 200],
    );
    assert.equal(fixture.requestsFor(`${escapePath(SLOW)}/@v/v1.0.0.mod`).length, 1);
    // And a zip's concurrent misses join one download.
    const coalescedBefore = sumOf(
      parseExposition((await rawRequest(modgate.url, '/metrics')).body.toString()),
      'modgate_coalesced_waiters_total',
    );
    assert.ok(coalescedBefore >= 1, 'the .mod requests joined');
    fixture.overrides.set(`${escapePath(SLOW)}/@v/v1.0.0.zip`, { delayMs: 1500 });
    const zip = `/${escapePath(SLOW)}/@v/v1.0.0.zip`;
    const zips = await Promise.all([1, 2, 3, 4].map(() => rawRequest(modgate.url, zip)));
    assert.deepEqual(
      zips.map((r) => r.status),
      [200, 200, 200, 200],
    );
    assert.equal(fixture.requestsFor(`${escapePath(SLOW)}/@v/v1.0.0.zip`).length, 1);
    assert.equal((await rawRequest(modgate.url, '/readyz')).status, 200);
    const { samples, text } = await scrapeUntil(modgate.url, (s) => has(s, 'modgate_ready'));
    assert.ok(sumOf(samples, 'modgate_coalesced_waiters_total') > coalescedBefore);
    assert.equal(sumOf(samples, 'modgate_ready'), 1);
    assert.ok(sumOf(samples, 'modgate_answer_cache_entries') >= 3);
    assert.ok(sumOf(samples, 'modgate_answer_cache_bytes') > 0);
    const pkg = JSON.parse(
      await readFile(new URL('../../../package.json', import.meta.url), 'utf8'),
    ) as {
      version: string;
    };
    const info = samples.find((s) => s.name === 'modgate_build_info');
    assert.equal(info?.value, 1);
    assert.equal(info?.labels.version, pkg.version);
    assert.equal(info?.labels.node_version, process.version);
    assert.match(info?.labels.commit ?? '', /^([0-9a-f]{40}|unknown)$/);
    for (const name of [
      'modgate_process_cpu_seconds_total',
      'modgate_process_resident_memory_bytes',
      'modgate_nodejs_eventloop_lag_seconds',
      'modgate_nodejs_active_handles_total',
    ]) {
      assert.ok(has(samples, name), `${name} missing`);
    }
    // The whole exposition parses with Prometheus's own checker (exit 1: a parse error), and
    // its lint finds nothing but prom-client's process gauges whose names end in _total
    // (names the metric catalogue keeps: they are Node's well-known ones).
    const check = await promtoolCheckMetrics(text);
    assert.notEqual(check.code, 1, check.output);
    const findings = check.output.split('\n').filter((l) => l.trim() !== '');
    const known =
      /^modgate_nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/;
    assert.deepEqual(
      findings.filter((l) => !known.test(l)),
      [],
      check.output,
    );
  });

  test('requests in flight: a miss waiting for a slow upstream, and the scrape itself', async () => {
    const list = `${escapePath(SLOW)}/@v/list`; // not asked for before: a miss
    fixture.overrides.set(list, { delayMs: 4000 });
    const waiting = rawRequest(modgate.url, `/${list}`);
    // The fast path waits for the service's answer; node:http answers the scrape.
    const { samples } = await scrapeUntil(
      modgate.url,
      (s) => sumOf(s, 'modgate_http_requests_in_flight') >= 2,
    );
    assert.equal(sumOf(samples, 'modgate_http_requests_in_flight'), 2);
    assert.equal((await waiting).status, 200);
    const after = await scrapeUntil(
      modgate.url,
      (s) => sumOf(s, 'modgate_http_requests_in_flight') === 1,
    );
    assert.equal(sumOf(after.samples, 'modgate_http_requests_in_flight'), 1, 'the scrape only');
  });

  test('/metrics is answered by node:http, never cached', async () => {
    const a = await rawRequest(modgate.url, '/metrics');
    assert.equal(a.headers['cache-control'], 'no-store');
    const head = await rawRequest(modgate.url, '/metrics', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
  });
});
