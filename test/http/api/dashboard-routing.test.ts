// The /-/ routes (issue 15): the API answers JSON with "api": 1 and JSON errors, the pages'
// prefix answers, and GOPROXY paths are unaffected.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiGet, type ApiErrorBody, type StatusView } from './api-client.js';
import { FixtureProxy } from '../../support/fixture-proxy.js';
import { startModgate, type ModgateInstance } from '../../support/modgate-instance.js';

let upstream: FixtureProxy;
let modgate: ModgateInstance;

before(async () => {
  upstream = await FixtureProxy.create([{ path: 'example.com/a', version: 'v1.0.0' }]);
  modgate = await startModgate({ upstream: upstream.url });
});
after(async () => {
  await modgate?.stop();
  await upstream?.close();
});

const json = <T = ApiErrorBody>(path: string, init?: RequestInit) =>
  apiGet<T>(`${modgate.url}${path}`, init);

test('GET /-/api/status answers JSON with the API version', async () => {
  const { status, body, res } = await json<StatusView>('/-/api/status');
  assert.equal(status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(body.api, 1);
  assert.equal(typeof body.version, 'string');
  assert.equal(body.storage.backend, 'disk');
  assert.ok(Array.isArray(body.upstreams));
});

test('an unknown API path is a JSON 404; a wrong method a JSON 405 with Allow', async () => {
  const missing = await json('/-/api/nothing-here');
  assert.equal(missing.status, 404);
  assert.deepEqual(Object.keys(missing.body.error).sort(), ['code', 'message']);
  assert.equal(missing.body.error.code, 'not-found');
  const wrong = await json('/-/api/status', { method: 'POST' });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.res.headers.get('allow'), 'GET, HEAD');
  assert.equal(wrong.body.api, 1);
});

test('a malformed module path is a JSON 400 with the reason', async () => {
  const bad = await json('/-/api/modules/example.com/a%ZZ');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid');
  const dash = await json('/-/api/modules/-x/y');
  assert.equal(dash.status, 400);
  assert.match(dash.body.error.message, /leading dash/);
});

test('HEAD has no body; If-None-Match with the ETag gets 304', async () => {
  const head = await fetch(`${modgate.url}/-/api/setup`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  const etag = head.headers.get('etag');
  assert.ok(etag);
  const again = await fetch(`${modgate.url}/-/api/setup`, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
});

test('/-/ui/ answers a page; /-/ redirects there', async () => {
  const page = await fetch(`${modgate.url}/-/ui/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  await page.text();
  const root = await fetch(`${modgate.url}/-/`, { redirect: 'manual' });
  assert.equal(root.status, 302);
  assert.equal(root.headers.get('location'), '/-/ui/');
});

test('GOPROXY paths are still answered', async () => {
  const res = await fetch(`${modgate.url}/example.com/a/@v/list`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'v1.0.0\n');
});
