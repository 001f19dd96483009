// The dashboard's pages (issue 15) in a real browser (Debian's chromium, driven by
// playwright-core) against a real modgate filled by the real go command: every page in both
// languages (a screenshot of each, axe-core's checks on each), search, blocking a version from
// the admin actions (the go command then fails with the reason), what a user without
// permission sees, live activity, and the setup page's lines applied to a go sandbox.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import bcrypt from 'bcryptjs';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, describeViolations } from '../support/browser-axe.js';
import {
  BROWSER_TIMEOUT_MS,
  CHROMIUM_MISSING,
  CHROMIUM_PATH,
  Chromium,
  screenshot,
} from '../support/browser.js';
import { hashGoMod } from '../../src/zip/index.js';
import { hashZipFile } from '../../src/zip/files/index.js';
import { FixtureProxy, escapePath } from '../support/fixture-proxy.js';
import { GoSandbox, type GoResult } from '../support/go-sandbox.js';
import { ModgateProcess } from '../support/modgate-process.js';
import { TestSumdb } from '../support/test-sumdb.js';
import { GitFixture } from '../upstream/direct/git/git-fixture.js';

const LANGS = [
  { lang: 'en', acceptLanguage: 'en-US', h1: { status: 'Status', setup: 'Set up your machine' } },
  { lang: 'zh-CN', acceptLanguage: 'zh-CN', h1: { status: '运行状态', setup: '客户端配置' } },
] as const;

/** A reason with markup in it: shown as text, never run. */
const REASON = 'CVE-2026-0001 <img src=x onerror="window.__xss=1"> use v1.1.0';

const PUBLIC_MODULES = [
  { path: 'example.com/lib', version: 'v1.0.0', time: '2026-01-01T10:00:00Z' },
  { path: 'example.com/lib', version: 'v1.1.0', time: '2026-02-01T10:00:00Z' },
  { path: 'example.com/other', version: 'v0.1.0', time: '2026-03-01T10:00:00Z' },
].map((m) => ({
  ...m,
  files: { 'lib.go': `package ${m.path.split('/')[1] ?? 'x'}\n\nconst Version = "${m.version}"\n` },
}));

describe(
  'the dashboard in chromium',
  { skip: existsSync(CHROMIUM_PATH) ? false : CHROMIUM_MISSING },
  () => {
    let dir: string;
    let git: GitFixture;
    let fixture: FixtureProxy;
    let sumdb: TestSumdb;
    let modgate: ModgateProcess;
    let chromium: Chromium;
    const sandboxes: GoSandbox[] = [];
    const contexts: BrowserContext[] = [];

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'modgate-dashboard-ui-'));
      git = await GitFixture.create();
      const repo = await git.newRepo('greeter');
      await git.commit(
        repo,
        {
          'go.mod': 'module git.corp.example/greeter\n\ngo 1.16\n',
          'greeter.go': 'package greeter\n\nfunc Hello() string { return "hello, team" }\n',
        },
        'v1',
        '2026-03-01T10:00:00Z',
      );
      await git.git(repo, ['tag', 'v1.0.0']);
      const port = await git.startDaemon();
      fixture = await FixtureProxy.create(PUBLIC_MODULES);
      // A checksum database on 127.0.0.1 that knows the public modules (no internet): modgate
      // verifies against it and the setup page's GOSUMDB names it.
      const records = await Promise.all(
        PUBLIC_MODULES.map(async (m) => {
          const at = join(fixture.root, escapePath(m.path), '@v', m.version);
          return {
            path: m.path,
            version: m.version,
            zipHash: await hashZipFile(`${at}.zip`),
            modHash: hashGoMod(await readFile(`${at}.mod`)),
          };
        }),
      );
      sumdb = await TestSumdb.create({ records });
      await writeFile(
        join(dir, 'users.yaml'),
        `users:\n  alice:\n    password: "${bcrypt.hashSync('alice-pw', 4)}"\n    groups: [dev]\n  bob:\n    password: "${bcrypt.hashSync('bob-pw', 4)}"\n`,
      );
      modgate = await ModgateProcess.start({
        upstream: fixture.url,
        settings: {
          private: 'git.corp.example',
          sumdb: { databases: `${sumdb.verifierKey} ${sumdb.url}`, verify: true },
          direct: {
            rewrites: [`git.corp.example/*=git://127.0.0.1:${port}/*`],
            insecure: 'git.corp.example',
          },
          auth: { users_file: join(dir, 'users.yaml') },
          access: {
            rules: ['git.corp.example read=@dev admin=@dev'],
            default_admin: '@dev',
          },
        },
      });
      // Fill it: public modules through the real go command (no credentials needed), the private
      // one as alice (the go command sends .netrc credentials over https only).
      const go = await newSandbox();
      for (const m of PUBLIC_MODULES) {
        const r = await go.run(['mod', 'download', '-json', `${m.path}@${m.version}`], {
          proxy: modgate.url,
        });
        assert.equal(r.code, 0, r.stderr);
      }
      for (const file of ['list', 'v1.0.0.info', 'v1.0.0.mod', 'v1.0.0.zip']) {
        const res = await fetch(`${modgate.url}/git.corp.example/greeter/@v/${file}`, {
          headers: { authorization: `Basic ${Buffer.from('alice:alice-pw').toString('base64')}` },
        });
        const body = Buffer.from(await res.arrayBuffer());
        assert.equal(res.status, 200, `${file}: ${body.toString()}`);
      }
      const launched = await Chromium.launch();
      assert.ok(launched, CHROMIUM_MISSING);
      chromium = launched;
    });

    after(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await chromium?.close();
      await modgate?.stop();
      await fixture?.close();
      await sumdb?.close();
      await git?.close();
      for (const s of sandboxes) await s.cleanup();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    async function newSandbox(): Promise<GoSandbox> {
      const go = await GoSandbox.create();
      sandboxes.push(go);
      return go;
    }

    /** A page in a fresh browser profile, as `user` (password `<user>-pw`), failing on errors. */
    async function browse(user: 'alice' | 'bob', acceptLanguage = 'en-US'): Promise<Page> {
      const context = await chromium.context({
        credentials: { username: user, password: `${user}-pw` },
        locale: acceptLanguage,
      });
      contexts.push(context);
      const page = await context.newPage();
      page.on('dialog', (d) => {
        void d.dismiss();
        assert.fail(`a dialog opened: ${d.message()}`);
      });
      return page;
    }

    async function open(page: Page, path: string): Promise<void> {
      const res = await page.goto(modgate.url + path);
      assert.equal(res?.status(), 200, `${path}: ${(await res?.text()) ?? 'no response'}`);
    }

    async function assertAccessible(page: Page, what: string): Promise<void> {
      const violations = await axeViolations(page);
      assert.equal(violations.length, 0, `${what}:\n${describeViolations(violations)}`);
    }

    const PAGES = [
      { name: 'status', path: '/-/ui/', shows: 'example.com' },
      { name: 'modules', path: '/-/ui/modules', shows: 'example.com/other' },
      { name: 'module', path: '/-/ui/modules/example.com/lib', shows: 'v1.0.0' },
      { name: 'version', path: '/-/ui/modules/example.com/lib/@v/v1.1.0', shows: 'h1:' },
      { name: 'activity', path: '/-/ui/activity', shows: '/example.com/lib/@v/' },
      { name: 'setup', path: '/-/ui/setup', shows: 'go env -w GOPROXY=' },
    ];

    test('every page renders with the stored data in English and Chinese, and passes axe', async () => {
      for (const { lang, acceptLanguage, h1 } of LANGS) {
        const page = await browse('alice', acceptLanguage);
        for (const p of PAGES) {
          await open(page, p.path);
          assert.equal(await page.getAttribute('html', 'lang'), lang, p.path);
          const text = await page.locator('main').innerText();
          if (p.name !== 'status')
            assert.ok(text.includes(p.shows), `${p.path} (${lang}):\n${text}`);
          if (p.name === 'status') assert.equal(await page.locator('h1').innerText(), h1.status);
          if (p.name === 'setup') assert.equal(await page.locator('h1').innerText(), h1.setup);
          await screenshot(page, `${p.name}-${lang}`);
          await assertAccessible(page, `${p.path} (${lang})`);
        }
      }
    });

    test('the language switch changes the page and is remembered', async () => {
      const page = await browse('alice', 'en-US');
      await open(page, '/-/ui/modules');
      await page.getByRole('link', { name: '中文' }).click();
      await page.waitForURL(/lang=zh-CN/);
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      await page.getByRole('link', { name: '运行状态' }).click();
      await page.waitForURL(`${modgate.url}/-/ui/`);
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', 'the cookie keeps the choice');
    });

    test('search finds a module', async () => {
      const page = await browse('alice');
      await open(page, '/-/ui/modules');
      await page.getByLabel('Search module paths').fill('other');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(/q=other/);
      const rows = await page.locator('#modules tbody tr').allInnerTexts();
      assert.equal(rows.length, 1, rows.join('\n'));
      assert.match(rows[0] ?? '', /example\.com\/other/);
      await page.getByRole('link', { name: 'example.com/other' }).click();
      await page.waitForURL(/\/-\/ui\/modules\/example\.com\/other$/);
      assert.match(
        await page.locator('#go-get').innerText(),
        /^go get example\.com\/other@v0\.1\.0$/,
      );
      // The copy button puts the line on the clipboard (the page's script).
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: modgate.url,
      });
      const copy = page.locator('button[data-copy="go-get"]');
      await copy.click();
      await copy.filter({ hasText: 'Copied' }).waitFor();
      assert.equal(
        await page.evaluate('navigator.clipboard.readText()'),
        'go get example.com/other@v0.1.0',
      );
    });

    test('a user without permission sees neither the private module nor the admin actions', async () => {
      const alice = await browse('alice');
      await open(alice, '/-/ui/modules');
      assert.ok((await alice.locator('#modules').innerText()).includes('git.corp.example/greeter'));
      await open(alice, '/-/ui/modules/example.com/lib');
      assert.equal(await alice.getByRole('heading', { name: 'Admin actions' }).count(), 1);

      const bob = await browse('bob');
      await open(bob, '/-/ui/modules');
      const listed = await bob.locator('#modules').innerText();
      assert.ok(listed.includes('example.com/lib'), listed);
      assert.ok(!listed.includes('git.corp.example'), `bob sees the private module:\n${listed}`);
      const res = await bob.goto(`${modgate.url}/-/ui/modules/git.corp.example/greeter`);
      assert.equal(res?.status(), 404);
      await open(bob, '/-/ui/modules/example.com/lib');
      assert.equal(await bob.getByRole('heading', { name: 'Admin actions' }).count(), 0);
      assert.equal(await bob.locator('form[data-api]').count(), 0);
      await open(bob, '/-/ui/activity');
      assert.ok(!(await bob.locator('main').innerText()).includes('git.corp.example'));
    });

    test('a version blocked from the admin actions shows as blocked and go get fails with the reason', async () => {
      const page = await browse('alice');
      await open(page, '/-/ui/modules/example.com/lib');
      await page.locator('#block-version').selectOption('v1.0.0');
      await page.getByRole('textbox', { name: /^Reason/ }).fill(REASON);
      await Promise.all([
        page.waitForEvent('load', { timeout: BROWSER_TIMEOUT_MS }),
        page.getByRole('button', { name: 'Block', exact: true }).click(),
      ]);
      const row = page.locator('#versions-table tbody tr', { hasText: 'v1.0.0' });
      await row.getByText('blocked', { exact: true }).waitFor();
      assert.ok((await row.innerText()).includes(REASON), await row.innerText());
      assert.equal(await page.evaluate('window.__xss'), undefined, 'the reason ran as markup');
      assert.equal(await page.locator('img').count(), 0);
      await screenshot(page, 'module-blocked-en');

      const go = await newSandbox();
      const app = await go.newModule('example.com/app');
      const r = await go.run(['get', 'example.com/lib@v1.0.0'], { proxy: modgate.url, cwd: app });
      assert.notEqual(r.code, 0, r.stdout);
      assert.ok(r.stderr.includes('CVE-2026-0001'), r.stderr);
      const ok = await go.run(['get', 'example.com/lib@v1.1.0'], { proxy: modgate.url, cwd: app });
      assert.equal(ok.code, 0, ok.stderr);

      // Unblocked from the same panel: the version is available again.
      await Promise.all([
        page.waitForEvent('load', { timeout: BROWSER_TIMEOUT_MS }),
        page.getByRole('button', { name: 'Unblock v1.0.0' }).click(),
      ]);
      await row.getByText('available', { exact: true }).waitFor();
      const again = await go.run(['get', 'example.com/lib@v1.0.0'], {
        proxy: modgate.url,
        cwd: app,
      });
      assert.equal(again.code, 0, again.stderr);
    });

    test('activity updates live with the status filter', async () => {
      const page = await browse('alice');
      await open(page, '/-/ui/activity?status=4xx');
      const marker = `/example.com/lib/@v/v0.0.0-no-such-${Date.now()}.info`;
      const res = await fetch(modgate.url + marker);
      assert.equal(res.status, 404);
      await res.arrayBuffer();
      await page
        .locator('#recent tbody tr', { hasText: marker })
        .waitFor({ timeout: BROWSER_TIMEOUT_MS });
      const rows = await page.locator('#recent tbody tr').allInnerTexts();
      for (const row of rows) assert.match(row, /\t4\d\d\t/, `not a 4xx: ${row}`);
    });

    test("the setup page's lines make the real go command download through modgate", async () => {
      const page = await browse('alice');
      await open(page, '/-/ui/setup');
      const lines = (await page.locator('#go-env').innerText()).split('\n').filter(Boolean);
      assert.ok(lines.length > 0);
      assert.match(lines[0] ?? '', new RegExp(`^go env -w GOPROXY=${modgate.url},off$`));
      assert.match(
        await page.locator('#netrc-line').innerText(),
        /^machine 127\.0\.0\.1 login alice /,
      );
      assert.match(await page.locator('#doctor-command').innerText(), /^modgate doctor --server /);

      const go = await newSandbox();
      const env = go.env('');
      delete env.GOPROXY;
      if (lines.some((l) => l.includes(' GOSUMDB='))) delete env.GOSUMDB;
      const run = (args: string[]): Promise<GoResult> =>
        new Promise((resolve, reject) => {
          const child = spawn('go', args, { cwd: go.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('error', reject);
          child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
        });
      for (const line of lines) {
        const words = line.split(' ');
        assert.deepEqual(words.slice(0, 3), ['go', 'env', '-w'], line);
        const r = await run([
          'env',
          '-w',
          words
            .slice(3)
            .join(' ')
            .replace(/^'(.*)'$/, '$1'),
        ]);
        assert.equal(r.code, 0, `${line}: ${r.stderr}`);
      }
      // GOPROXY is modgate's URL then `off`: the go command can download from modgate only.
      const r = await run(['mod', 'download', '-json', 'example.com/other@v0.1.0']);
      assert.equal(r.code, 0, `${lines.join('\n')}\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /"Version": "v0.1.0"/);
    });
  },
);
