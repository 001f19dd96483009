// The dashboard's pages (issue 15) rendered from a read model the test controls, over a real
// node:http server on 127.0.0.1: every page in both languages, escaping of user-controlled
// values, admin controls only for admins, the sign-in challenge, assets and their headers.
// The browser tests (test/e2e/dashboard-ui*.e2e.test.ts) run the same pages in chromium
// against a real modgate.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ANONYMOUS, type Principal } from '../../../src/policy/index.js';
import { ASSET_URLS } from '../../../src/http/ui/ui-assets.js';
import { uiHandler } from '../../../src/http/ui/ui-handler.js';
import { fakeDashboardData as data } from './fake-dashboard-data.js';
import type { UiOptions } from '../../../src/http/ui/ui-options.js';

const alice: Principal = { user: 'alice', groups: ['admins'] };

describe('dashboard pages', () => {
  let server: Server;
  let base = '';
  let options: UiOptions;

  before(async () => {
    options = {
      version: '1.2.3',
      authenticating: true,
      signInRequired: false,
      mayAdminister: (p) => p.user === 'alice',
    };
    const handler = uiHandler({ ...options, signInRequired: false });
    const closed = uiHandler({ ...options, signInRequired: true });
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const principal = req.headers.authorization === 'alice' ? alice : ANONYMOUS;
      const handle = url.searchParams.has('closed') ? closed : handler;
      void handle({
        req,
        res,
        id: 'req-1',
        principal,
        path: url.pathname,
        query: url.searchParams,
        baseUrl: base,
        data,
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function get(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(base + path, { headers, redirect: 'manual' });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  const pages = [
    ['/-/ui/', 'Status', '运行状态'],
    ['/-/ui/modules?q=lib', 'Modules', '模块'],
    ['/-/ui/modules/example.com/lib', 'example.com/lib', 'example.com/lib'],
    ['/-/ui/modules/example.com/lib/@v/v1.1.0', 'example.com/lib v1.1.0', 'example.com/lib v1.1.0'],
    ['/-/ui/activity', 'Activity', '请求动态'],
    ['/-/ui/setup', 'Set up your machine', '客户端配置'],
  ] as const;

  for (const [path, en, zh] of pages) {
    test(`${path} renders in English and Chinese`, async () => {
      const r = await get(path, { 'accept-language': 'en-US,en;q=0.9' });
      assert.equal(r.status, 200, r.text);
      assert.match(r.text, /<html lang="en">/);
      assert.ok(r.text.includes(`<h1>${en}</h1>`), r.text);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      const z = await get(path, { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' });
      assert.match(z.text, /<html lang="zh-CN">/);
      assert.ok(z.text.includes(`<h1>${zh}</h1>`), z.text);
      assert.doesNotMatch(z.text, /<script>|<img/, 'no unescaped markup');
    });
  }

  test('?lang= switches the language and a cookie keeps it', async () => {
    const r = await get('/-/ui/?lang=zh-CN', { 'accept-language': 'en' });
    assert.match(r.text, /<html lang="zh-CN">/);
    const cookie = r.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^modgate_lang=zh-CN; Path=\/-\/ui\//);
    const again = await get('/-/ui/setup', {
      'accept-language': 'en',
      cookie: 'modgate_lang=zh-CN',
    });
    assert.match(again.text, /<html lang="zh-CN">/);
    assert.match(again.text, /href="\/-\/ui\/setup\?lang=en"/, 'the switch link keeps the page');
  });

  test('user-controlled values are escaped (block reason, go.mod, upstream error, request path)', async () => {
    for (const path of ['/-/ui/', '/-/ui/modules/example.com/lib', '/-/ui/activity']) {
      const r = await get(path, { authorization: 'alice' });
      assert.ok(!r.text.includes('<img src=x'), `${path} has the raw markup`);
      assert.ok(r.text.includes('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;'), path);
    }
    const v = await get('/-/ui/modules/example.com/lib/@v/v1.1.0');
    assert.ok(v.text.includes('// &lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  test('admin actions show for admins only', async () => {
    const admin = await get('/-/ui/modules/example.com/lib', { authorization: 'alice' });
    assert.match(admin.text, /data-api="\/-\/api\/modules\/example.com\/lib\/refresh"/);
    assert.match(admin.text, /data-api="\/-\/api\/blocks"/);
    assert.match(admin.text, /data-api="\/-\/api\/blocks\/blk_1" data-method="DELETE"/);
    assert.match(admin.text, /Signed in as alice/);
    const other = await get('/-/ui/modules/example.com/lib');
    assert.doesNotMatch(other.text, /data-api=|Admin actions/);
    assert.match(other.text, /href="\/-\/ui\/login">Sign in/);
  });

  test('a module page lists the newest 200 versions unless all are asked for', async () => {
    const rows = (text: string) =>
      text.match(/<tr>\s*<td><a href="\/-\/ui\/modules\/example.com\/big\/@v\//g)?.length;
    const page = await get('/-/ui/modules/example.com/big');
    assert.equal(rows(page.text), 200);
    assert.match(page.text, /Showing the newest 200 of 250 versions/);
    assert.match(page.text, /href="\/-\/ui\/modules\/example.com\/big\?versions=all"/);
    const all = await get('/-/ui/modules/example.com/big?versions=all');
    assert.equal(rows(all.text), 250);
    assert.doesNotMatch(all.text, /Showing the newest/);
  });

  test('an unknown module or version is a 404 page; a malformed path a 400', async () => {
    const m = await get('/-/ui/modules/example.com/nope');
    assert.equal(m.status, 404);
    assert.match(m.text, /No module example.com\/nope is stored here/);
    const v = await get('/-/ui/modules/example.com/lib/@v/v9.9.9');
    assert.equal(v.status, 404);
    const bad = await get('/-/ui/modules/-bad/x');
    assert.equal(bad.status, 400);
    assert.equal((await get('/-/ui/nothing-here')).status, 404);
  });

  test('sign-in: /-/ui/login challenges until credentials come; closed dashboards challenge', async () => {
    const login = await get('/-/ui/login');
    assert.equal(login.status, 401);
    assert.equal(login.headers.get('www-authenticate'), 'Basic realm="modgate"');
    const signedIn = await get('/-/ui/login', { authorization: 'alice' });
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.get('location'), '/-/ui/');
    assert.equal((await get('/-/ui/?closed=1')).status, 401);
    assert.equal((await get('/-/ui/?closed=1', { authorization: 'alice' })).status, 200);
  });

  test('assets: content-hashed names, immutable caching, ETag revalidation, no inline code', async () => {
    for (const url of [ASSET_URLS.css, ASSET_URLS.js]) {
      assert.match(url, /^\/-\/ui\/assets\/dashboard\.[0-9a-f]{12}\.(css|js)$/);
      const r = await get(url);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      const etag = r.headers.get('etag') ?? '';
      assert.equal((await get(url, { 'if-none-match': etag })).status, 304);
    }
    assert.equal((await get('/-/ui/assets/other.js')).status, 404);
    const page = await get('/-/ui/');
    assert.doesNotMatch(page.text, /<script>|<style|style="|onclick=/, 'nothing inline (CSP)');
  });

  test('the script parses', async () => {
    const { Script } = await import('node:vm');
    const js = await get(ASSET_URLS.js);
    assert.doesNotThrow(() => new Script(js.text));
  });
});
