import assert from 'node:assert/strict';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { Authenticator, MAX_AUTHORIZATION_BYTES } from '../../src/http/auth-authenticator.js';
import { parseUsersFile } from '../../src/http/auth-users-file.js';
import { newToken } from '../../src/cli/auth.js';

const token = newToken();
const table = parseUsersFile(
  `users:
  alice:
    password: "${bcrypt.hashSync('pw:with:colons', 4)}"
    groups: [dev]
    tokens: [${token.hash}]
`,
  'users.yaml',
);
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

test('Basic and bearer credentials; none is anonymous', async () => {
  const auth = new Authenticator(table);
  assert.deepEqual(auth.authenticate(undefined), {
    ok: true,
    principal: { user: undefined, groups: [] },
  });
  const r = await auth.authenticate(basic('alice:pw:with:colons'));
  assert.deepEqual(r, { ok: true, principal: { user: 'alice', groups: ['dev'] } });
  // A token as bearer, and as the Basic password (a .netrc holding a token): no bcrypt.
  for (const header of [
    `Bearer ${token.token}`,
    `bearer ${token.token}`,
    basic(`alice:${token.token}`),
  ]) {
    const t = auth.authenticate(header);
    assert.ok(!(t instanceof Promise), header);
    assert.equal(t.ok && t.principal.user, 'alice');
  }
});

test('wrong or unknown credentials are 401; malformed and huge headers 400; never a throw', async () => {
  const auth = new Authenticator(table);
  const cases: [string, number][] = [
    [basic('alice:wrong'), 401],
    [basic('mallory:pw:with:colons'), 401],
    [basic('alice:'), 401],
    ['Bearer mgt_not-a-known-token', 401],
    [`Basic ${Buffer.from('alice').toString('base64')}`, 400], // no colon
    [basic(':nouser'), 400],
    ['Basic !!!notbase64', 400],
    ['Basic', 400],
    ['Basic YWxpY2U6cHc=extra', 400],
    ['Bearer', 400],
    ['Bearer two words', 400],
    ['Negotiate abc', 401], // a scheme modgate does not speak: challenge with Basic
    ['', 401],
    [`Basic ${'A'.repeat(MAX_AUTHORIZATION_BYTES)}`, 400],
    [`Bearer ${'x'.repeat(1_000_000)}`, 400],
    ['Basic \u0000\u00ff', 400],
  ];
  for (const [header, status] of cases) {
    const r = await auth.authenticate(header);
    assert.equal(r.ok, false, header.slice(0, 40));
    assert.equal(!r.ok && r.status, status, header.slice(0, 40));
  }
});

test('a verified password is remembered (no bcrypt), for its TTL, and forgotten on reload', async () => {
  let now = 0;
  const auth = new Authenticator(table, { cacheTtlMs: 1000, now: () => now });
  const header = basic('alice:pw:with:colons');
  assert.equal(auth.authenticateNow(header), undefined, 'first time: bcrypt needed');
  await auth.authenticate(header);
  const cached = auth.authenticateNow(header);
  assert.equal(cached?.ok && cached.principal.user, 'alice');
  // A wrong password is never remembered, and never answered from the cache.
  assert.equal(auth.authenticateNow(basic('alice:wrong')), undefined);
  now = 1000;
  assert.equal(auth.authenticateNow(header), undefined, 'expired');
  await auth.authenticate(header);
  assert.ok(auth.authenticateNow(header)?.ok);
  auth.replace(parseUsersFile('users:\n', 'users.yaml'));
  assert.equal(auth.authenticateNow(header), undefined, 'forgotten on reload');
  const after = await auth.authenticate(header);
  assert.equal(after.ok, false, 'alice is gone');
});

test('password checks are bounded: beyond the running and waiting ones, 503 at once; tokens still pass', async () => {
  const auth = new Authenticator(table, { maxConcurrentChecks: 1, maxQueuedChecks: 2 });
  // Wrong passwords are never remembered, so each one needs its own bcrypt run.
  const pending = [1, 2, 3].map((i) => auth.authenticate(basic(`alice:wrong${i}`)));
  assert.ok(
    pending.every((p) => p instanceof Promise),
    'one running, two waiting',
  );
  const busy = auth.authenticate(basic('alice:wrong4'));
  assert.ok(!(busy instanceof Promise), 'refused without a comparison');
  assert.equal(busy.ok, false);
  assert.equal(!busy.ok && busy.status, 503);
  assert.match(!busy.ok ? busy.reason : '', /too many password checks/);
  const byToken = auth.authenticate(`Bearer ${token.token}`);
  assert.ok(!(byToken instanceof Promise) && byToken.ok, 'a token needs no bcrypt slot');
  for (const result of await Promise.all(pending)) assert.equal(!result.ok && result.status, 401);
  // The queue drained: a password is checked again (and the right one accepted).
  const right = await auth.authenticate(basic('alice:pw:with:colons'));
  assert.ok(right.ok);
});
