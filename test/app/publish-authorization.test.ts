// Who may publish (issue 14 item 6 with item 2's permission model): anonymous publishing only
// without a users file; with one, the access rules' publish grant decides, failing closed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authorizePublish, type Authenticated } from '../../src/app/publishing.js';
import { compilePolicy } from '../../src/policy/index.js';

const MOD = 'corp.example/hosted/lib';
const policy = compilePolicy({
  private: 'corp.example',
  noVerify: '',
  insecure: '',
  vcsPolicy: '',
  access: {
    rules: ['corp.example/hosted read=authenticated publish=@release'],
    defaultRead: 'anonymous',
    defaultPublish: 'none',
  },
});
const withUsers = { auth: { usersFile: '/etc/modgate/users.yaml' } };
const as = (result: Authenticated) => () => result;

test('no users file: anyone may publish (publish.enabled is the switch), as anonymous', async () => {
  assert.deepEqual(
    await authorizePublish({ auth: { usersFile: '' } }, policy, undefined, undefined, MOD),
    {
      ok: true,
      user: 'anonymous',
    },
  );
});

test('with a users file: the publish grant decides; no credentials get the challenge', async () => {
  const alice = as({ ok: true, principal: { user: 'alice', groups: ['release'] } });
  const bob = as({ ok: true, principal: { user: 'bob', groups: ['dev'] } });
  const anonymous = as({ ok: true, principal: { user: undefined, groups: [] } });
  const wrong = as({ ok: false, status: 401, reason: 'wrong user name or password' });
  assert.deepEqual(await authorizePublish(withUsers, policy, alice, 'Basic x', MOD), {
    ok: true,
    user: 'alice',
  });
  const refused = await authorizePublish(withUsers, policy, bob, 'Basic x', MOD);
  assert.equal(refused.ok === false && refused.status, 403);
  assert.match(
    refused.ok ? '' : refused.body,
    /user bob may not publish corp.example\/hosted\/lib/,
  );
  const challenged = await authorizePublish(withUsers, policy, anonymous, undefined, MOD);
  assert.equal(challenged.ok === false && challenged.status, 401);
  const failed = await authorizePublish(withUsers, policy, wrong, 'Basic x', MOD);
  assert.deepEqual(failed, {
    ok: false,
    status: 401,
    body: 'authentication failed: wrong user name or password\n',
  });
  // No authenticator wired: every client anonymous, refused (fails closed).
  const unwired = await authorizePublish(withUsers, policy, undefined, 'Basic x', MOD);
  assert.equal(unwired.ok === false && unwired.status, 401);
});
