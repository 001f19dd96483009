// Admin actions of the dashboard API (issue 15 item "admin actions") with the real go command
// and two real `modgate serve` processes on one data directory: a version blocked through the
// API is refused to `go get` with the reason and left out of `go list -m -versions`, on the
// other process too (after its poll); unblocking brings it back; a user without the admin
// permission, an anonymous client, a forged browser request and bad input change nothing;
// every action is audited; a refresh fetches a new upstream version before the list's TTL.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FixtureProxy, type FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { ModgateProcess } from '../support/modgate-process.js';

const mod = (path: string, version: string): FixtureModule => ({
  path,
  version,
  files: { 'x.go': `package x\n\nconst V = "${version}"\n` },
});

const ADMIN_TOKEN = randomBytes(24).toString('hex');
const DEV_TOKEN = randomBytes(24).toString('hex');
const sha = (t: string) => `sha256:${createHash('sha256').update(t).digest('hex')}`;

interface Call {
  status: number;
  json: { api?: number; error?: { code: string; message: string }; [k: string]: unknown };
  headers: Headers;
}

/** One API call (JSON in and out). */
async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${base}/-/api/${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  const json = (text === '' ? {} : JSON.parse(text)) as Call['json'];
  return { status: res.status, json, headers: res.headers };
}

/** Polls `check` until it holds (bounded: a replica picks blocks up within its poll interval). */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`${what}: not within 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('admin actions with the real go command and two modgate processes', () => {
  let fixture: FixtureProxy;
  let go: GoSandbox;
  let dir: string;
  let a: ModgateProcess;
  let b: ModgateProcess;
  let auditFile: string;

  const storedBlocks = async () =>
    (await readdir(join(dir, 'data', '-', 'blocks')).catch(() => [] as string[])).sort();
  const statusOf = async (base: string, file: string) => {
    const res = await fetch(`${base}/example.com/lib/@v/${file}`);
    await res.arrayBuffer();
    return res.status;
  };

  before(async () => {
    fixture = await FixtureProxy.create([
      mod('example.com/lib', 'v1.0.0'),
      mod('example.com/lib', 'v1.1.0'),
      mod('example.com/lib', 'v1.2.0'),
    ]);
    go = await GoSandbox.create();
    dir = await mkdtemp(join(tmpdir(), 'modgate-admin-'));
    auditFile = join(dir, 'audit.log');
    const usersFile = join(dir, 'users.yaml');
    await writeFile(
      usersFile,
      [
        'users:',
        '  olga:',
        `    tokens: ["${sha(ADMIN_TOKEN)}"]`,
        '    groups: [ops]',
        '  dev:',
        `    tokens: ["${sha(DEV_TOKEN)}"]`,
        '',
      ].join('\n'),
    );
    const settings = {
      auth: { users_file: usersFile },
      access: { default_read: 'anonymous', default_admin: '@ops' },
      audit: { enabled: true, file: auditFile },
      cache: { list_ttl: '1h' },
      blocks: { poll_interval: '1s' },
      deny: [{ module: 'example.com/old', reason: 'configured rule' }],
    };
    a = await ModgateProcess.start({ upstream: fixture.url, dataDir: join(dir, 'data'), settings });
    b = await ModgateProcess.start({
      upstream: fixture.url,
      dataDir: join(dir, 'data'),
      settings: { ...settings, audit: { enabled: false } },
    });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await fixture?.close();
    await go?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test('refused: no admin permission, no credentials, forged requests, bad input', async () => {
    // Warm both processes' caches: the list and a version's files are held in memory.
    for (const base of [a.url, b.url]) {
      const r = await go.run(['list', '-m', '-versions', 'example.com/lib'], { proxy: base });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'example.com/lib v1.0.0 v1.1.0 v1.2.0');
      assert.equal(await statusOf(base, 'v1.1.0.info'), 200);
    }
    const block = { module: 'example.com/lib', versions: '=v1.1.0', reason: 'INC-1: broken' };
    const dev = await call(a.url, 'POST', 'blocks', { token: DEV_TOKEN, body: block });
    assert.equal(dev.status, 403);
    assert.equal(dev.json.api, 1);
    assert.match(dev.json.error?.message ?? '', /user dev may not administer example\.com\/lib/);
    const anonymous = await call(a.url, 'POST', 'blocks', { body: block });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic/);
    // What a hostile page could make a logged-in browser send.
    const form = await call(a.url, 'POST', 'blocks', {
      token: ADMIN_TOKEN,
      body: block,
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(form.status, 403);
    assert.equal(form.json.error?.code, 'csrf');
    const crossSite = await call(a.url, 'POST', 'blocks', {
      token: ADMIN_TOKEN,
      body: block,
      headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(crossSite.status, 403);
    assert.equal(crossSite.json.error?.code, 'csrf');
    const bad = await call(a.url, 'POST', 'blocks', {
      token: ADMIN_TOKEN,
      body: { ...block, versions: '<=1.2' },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error?.message ?? '', /versions: bad version range "<=1\.2"/);
    const unknown = await call(a.url, 'POST', 'blocks', {
      token: ADMIN_TOKEN,
      body: { ...block, version: 'v1.1.0' },
    });
    assert.equal(unknown.status, 400);
    const configured = await call(a.url, 'DELETE', 'blocks/deny-1', {
      token: ADMIN_TOKEN,
      headers: { 'x-modgate-request': '1' },
    });
    assert.equal(configured.status, 409);
    assert.match(configured.json.error?.message ?? '', /cannot be removed at run time/);
    // Nothing changed.
    assert.deepEqual(await storedBlocks(), []);
    assert.equal(await statusOf(a.url, 'v1.1.0.info'), 200);
    const listed = await call(a.url, 'GET', 'blocks', { token: ADMIN_TOKEN });
    assert.deepEqual(
      (listed.json.blocks as { id: string }[]).map((x) => x.id),
      ['deny-1'],
    );
  });

  test('block → go get fails with the reason on both processes; unblock → it works', async () => {
    const added = await call(a.url, 'POST', 'blocks', {
      token: ADMIN_TOKEN,
      body: { module: 'example.com/lib', versions: '=v1.1.0', reason: 'INC-1: broken' },
    });
    assert.equal(added.status, 201, JSON.stringify(added.json));
    const block = added.json.block as { id: string; who: string; source: string };
    assert.equal(block.who, 'olga');
    assert.equal(block.source, 'runtime');
    assert.equal(added.headers.get('location'), `/-/api/blocks/${block.id}`);
    assert.deepEqual(await storedBlocks(), [`${block.id}.json`]);

    // In force at once on the process that took it (its cached answers too).
    const app = await go.newModule('example.com/app1');
    const refused = await go.run(['get', 'example.com/lib@v1.1.0'], { proxy: a.url, cwd: app });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /403 Forbidden/);
    assert.match(refused.stderr, /server response:.*is blocked: INC-1: broken/s);
    const listed = await go.run(['list', '-m', '-versions', 'example.com/lib'], { proxy: a.url });
    assert.equal(listed.stdout.trim(), 'example.com/lib v1.0.0 v1.2.0');

    // The other process on the same storage applies it after its poll.
    await eventually('process b applies the block', async () => {
      return (await statusOf(b.url, 'v1.1.0.info')) === 403;
    });
    const onB = await go.run(['get', 'example.com/lib@v1.1.0'], {
      proxy: b.url,
      cwd: await go.newModule('example.com/app2'),
    });
    assert.notEqual(onB.code, 0);
    assert.match(onB.stderr, /server response:.*INC-1: broken/s);
    const listedB = await go.run(['list', '-m', '-versions', 'example.com/lib'], { proxy: b.url });
    assert.equal(listedB.stdout.trim(), 'example.com/lib v1.0.0 v1.2.0');

    // Listing: the admin sees it; a user without admin sees nothing.
    const seen = await call(b.url, 'GET', 'blocks?module=example.com/lib', { token: ADMIN_TOKEN });
    assert.equal(seen.json.admin, true);
    assert.deepEqual(
      (seen.json.blocks as { id: string }[]).map((x) => x.id),
      [block.id],
    );
    const devSees = await call(b.url, 'GET', 'blocks?module=example.com/lib', { token: DEV_TOKEN });
    assert.equal(devSees.json.admin, false);
    assert.deepEqual(devSees.json.blocks, []);

    // A user without admin cannot unblock; an unknown id is 404.
    const devDelete = await call(a.url, 'DELETE', `blocks/${block.id}`, {
      token: DEV_TOKEN,
      headers: { 'x-modgate-request': '1' },
    });
    assert.equal(devDelete.status, 403);
    const missing = await call(a.url, 'DELETE', 'blocks/nothing-here', {
      token: ADMIN_TOKEN,
      headers: { 'x-modgate-request': '1' },
    });
    assert.equal(missing.status, 404);
    assert.deepEqual(await storedBlocks(), [`${block.id}.json`]);

    // Unblocked through process b: b at once, a after its poll.
    const removed = await call(b.url, 'DELETE', `blocks/${block.id}`, {
      token: ADMIN_TOKEN,
      headers: { 'x-modgate-request': '1' },
    });
    assert.equal(removed.status, 200, JSON.stringify(removed.json));
    assert.deepEqual(await storedBlocks(), []);
    const onBAgain = await go.run(['get', 'example.com/lib@v1.1.0'], {
      proxy: b.url,
      cwd: await go.newModule('example.com/app3'),
    });
    assert.equal(onBAgain.code, 0, onBAgain.stderr);
    await eventually('process a applies the unblock', async () => {
      return (await statusOf(a.url, 'v1.1.0.info')) === 200;
    });
    const works = await go.run(['get', 'example.com/lib@v1.1.0'], { proxy: a.url, cwd: app });
    assert.equal(works.code, 0, works.stderr);
  });

  test('refresh: a new upstream version is listed before the list TTL ends', async () => {
    await fixture.add([mod('example.com/lib', 'v1.3.0')]);
    const stale = await go.run(['list', '-m', '-versions', 'example.com/lib'], { proxy: a.url });
    assert.equal(stale.stdout.trim(), 'example.com/lib v1.0.0 v1.1.0 v1.2.0'); // list_ttl 1h
    const dev = await call(a.url, 'POST', 'modules/example.com/lib/refresh', {
      token: DEV_TOKEN,
      headers: { 'x-modgate-request': '1' },
    });
    assert.equal(dev.status, 403);
    const refreshed = await call(a.url, 'POST', 'modules/example.com/lib/refresh', {
      token: ADMIN_TOKEN,
      headers: { 'x-modgate-request': '1' },
    });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.json));
    assert.deepEqual(refreshed.json.versions, ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0']);
    const fresh = await go.run(['list', '-m', '-versions', 'example.com/lib'], { proxy: a.url });
    assert.equal(fresh.stdout.trim(), 'example.com/lib v1.0.0 v1.1.0 v1.2.0 v1.3.0');
  });

  test('every admin action is audited, refused ones too; done ones logged', async () => {
    await eventually('the audit lines are written', async () => {
      const text = await readFile(auditFile, 'utf8').catch(() => '');
      return text.includes('"file":"refresh"') && text.includes('"file":"unblock"');
    });
    const lines = (await readFile(auditFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => ['block', 'unblock', 'refresh'].includes(l.file as string));
    const brief = lines.map((l) => `${String(l.file)} ${String(l.user)} ${String(l.status)}`);
    for (const want of [
      'block dev 403',
      'block null 401',
      'block olga 403', // the forged ones
      'block olga 400',
      'unblock olga 409',
      'block olga 201',
      'unblock dev 403',
      'refresh dev 403',
      'refresh olga 200',
    ]) {
      assert.ok(brief.includes(want), `audit line "${want}" in:\n${brief.join('\n')}`);
    }
    const done = lines.find((l) => l.file === 'block' && l.status === 201);
    assert.equal(done?.module, 'example.com/lib');
    assert.equal(done?.version, '=v1.1.0');
    assert.equal(done?.reason, 'INC-1: broken');
    assert.match(String(done?.client), /127\.0\.0\.1/);
    assert.match(a.output(), /"msg":"admin: block example\.com\/lib"/);
    assert.doesNotMatch(a.output() + (await readFile(auditFile, 'utf8')), new RegExp(ADMIN_TOKEN));
  });
});
