import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ANONYMOUS,
  compileAccess,
  compilePolicy,
  parseAccessRule,
  type Principal,
} from '../../src/policy/index.js';
import { errorKind } from '../../src/errors/index.js';

const alice: Principal = { user: 'alice', groups: ['dev'] };
const bob: Principal = { user: 'bob', groups: [] };
const rel: Principal = { user: 'rel', groups: ['release'] };

const rules = compileAccess({
  rules: [
    'corp.example.com/secret/* read=alice',
    'corp.example.com/* read=@dev,bob publish=@release',
    'public.example.com read=anonymous',
  ],
  defaultRead: 'authenticated',
  defaultPublish: 'none',
});

test('the first matching rule decides, by user, group, authenticated and anonymous', () => {
  const table: [Principal, 'read' | 'publish', string, boolean][] = [
    [alice, 'read', 'corp.example.com/secret/x', true],
    [bob, 'read', 'corp.example.com/secret/x', false], // first rule wins over the second
    [alice, 'read', 'corp.example.com/app', true], // by group
    [bob, 'read', 'corp.example.com/app/v2', true], // by name; prefix of the path
    [rel, 'read', 'corp.example.com/app', false],
    [rel, 'publish', 'corp.example.com/app', true],
    [alice, 'publish', 'corp.example.com/app', false],
    [ANONYMOUS, 'read', 'corp.example.com/app', false],
    [ANONYMOUS, 'read', 'public.example.com/lib', true],
    [ANONYMOUS, 'read', 'golang.org/x/mod', false], // default: authenticated
    [bob, 'read', 'golang.org/x/mod', true],
    [bob, 'publish', 'golang.org/x/mod', false], // default: none
    // An action a rule leaves out takes the default.
    [alice, 'publish', 'public.example.com/lib', false],
    [rel, 'publish', 'corp.example.com/secret/x', false],
  ];
  for (const [who, action, path, want] of table) {
    assert.equal(
      rules.may(who, action, path),
      want,
      `${who.user ?? 'anonymous'} ${action} ${path}`,
    );
    // Asked again (remembered decision): the same answer.
    assert.equal(rules.may(who, action, path), want);
  }
  assert.equal(rules.anonymousReadsAll, false);
});

test('no rules: anyone reads, nobody publishes; the policy asks the same rules', () => {
  const policy = compilePolicy({ private: '', noVerify: '', insecure: '', vcsPolicy: '' });
  assert.equal(policy.anonymousReadsAll, true);
  assert.equal(policy.may(ANONYMOUS, 'read', 'rsc.io/quote'), true);
  assert.equal(policy.may(alice, 'publish', 'rsc.io/quote'), false);
  const restricted = compilePolicy({
    private: 'corp.example.com',
    noVerify: '',
    insecure: '',
    vcsPolicy: '',
    access: { rules: ['corp.example.com read=@dev'], defaultRead: 'anonymous', defaultPublish: '' },
  });
  assert.equal(restricted.anonymousReadsAll, false);
  assert.equal(restricted.may(ANONYMOUS, 'read', 'corp.example.com/x'), false);
  assert.equal(restricted.may(alice, 'read', 'corp.example.com/x'), true);
  assert.equal(restricted.may(ANONYMOUS, 'read', 'rsc.io/quote'), true);
});

test('malformed rules and WHO lists are clear invalid errors naming the rule', () => {
  for (const [text, fragment] of [
    ['', 'expected "PATTERNS'],
    ['read=alice', 'expected "PATTERNS'],
    ['corp.example.com reed=alice', '"reed=alice"'],
    ['corp.example.com read=alice read=bob', 'at most once'],
    ['corp.example.com read=al ice', '"ice"'],
    ['corp.example.com read=a/b', '"a/b" is not a user name'],
  ] as const) {
    assert.throws(
      () => parseAccessRule(text),
      (err: Error) => errorKind(err) === 'invalid' && err.message.includes(fragment),
      text,
    );
  }
  assert.throws(
    () => compileAccess({ rules: [], defaultRead: 'bad name!', defaultPublish: '' }),
    /access\.default_read/,
  );
});

test('admin (issue 15): per rule, else access.default_admin (default none)', () => {
  const ops: Principal = { user: 'olga', groups: ['ops'] };
  const admins = compileAccess({
    rules: ['corp.example.com/* read=@dev admin=@ops', 'public.example.com read=anonymous'],
    defaultRead: 'anonymous',
    defaultPublish: 'none',
  });
  assert.equal(admins.anyAdmin, true);
  assert.equal(admins.may(ops, 'admin', 'corp.example.com/app'), true);
  assert.equal(admins.may(alice, 'admin', 'corp.example.com/app'), false);
  assert.equal(admins.may(ops, 'admin', 'public.example.com/lib'), false); // default none
  assert.equal(admins.may(ANONYMOUS, 'admin', 'corp.example.com/app'), false);
  const everywhere = compileAccess({
    rules: [],
    defaultRead: 'anonymous',
    defaultPublish: 'none',
    defaultAdmin: '@ops',
  });
  assert.equal(everywhere.may(ops, 'admin', 'rsc.io/quote'), true);
  assert.equal(everywhere.may(bob, 'admin', 'rsc.io/quote'), false);
  assert.equal(rules.anyAdmin, false); // nothing grants admin
  assert.equal(parseAccessRule('x.example admin=alice').admin?.users.has('alice'), true);
  assert.throws(
    () => parseAccessRule('x.example admin=a admin=b'),
    /expected read=WHO, publish=WHO or admin=WHO/,
  );
});
