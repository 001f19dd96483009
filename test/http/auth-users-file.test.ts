import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { pino } from 'pino';
import { errorKind } from '../../src/errors/index.js';
import { parseUsersFile } from '../../src/http/auth-users-file.js';
import { UsersFileSource } from '../../src/http/auth-users-source.js';
import { newToken } from '../../src/cli/auth.js';

// Cost 4 (bcrypt's least) keeps the tests fast; the server accepts any cost 04-31.
const aliceHash = bcrypt.hashSync('alice-pw', 4);
const token = newToken();

const good = `# users of modgate
users:
  alice:
    password: "${aliceHash}"
    groups: [dev, release]
  ci:
    tokens:
      - ${token.hash}
    groups: [ci]
  htpasswd:
    password: "${aliceHash.replace('$2b$', '$2y$')}"
`;

test('a users file: users, bcrypt hashes ($2y$ of htpasswd -B too), token hashes, groups', () => {
  const table = parseUsersFile(good, 'users.yaml');
  assert.deepEqual([...table.users.keys()], ['alice', 'ci', 'htpasswd']);
  assert.deepEqual(table.users.get('alice')?.groups, ['dev', 'release']);
  assert.equal(table.users.get('alice')?.passwordHash, aliceHash);
  assert.equal(table.users.get('ci')?.passwordHash, undefined);
  assert.equal(table.tokens.get(token.hash.slice('sha256:'.length)), 'ci');
  assert.match(table.users.get('htpasswd')?.passwordHash ?? '', /^\$2y\$04\$/);
  // Empty files and an empty users list: no users.
  assert.equal(parseUsersFile('', 'f').users.size, 0);
  assert.equal(parseUsersFile('users:\n', 'f').users.size, 0);
});

test('mistakes are invalid errors naming the file and the line', () => {
  const cases: [string, string][] = [
    ['users:\n  alice:\n    password: x\n   bad: [\n', 'users.yaml:4:'],
    [
      'users:\n  alice:\n    password: hunter2\n',
      'users.yaml:3: user alice: password must be a bcrypt hash',
    ],
    ['users:\n  alice:\n    passwd: x\n', 'users.yaml:3: user alice: unknown key "passwd"'],
    [
      'users:\n  bob:\n    groups: [a]\n  alice:\n    tokens: [abc]\n',
      'users.yaml:5: user alice: a token must be given as sha256:',
    ],
    ['users:\n  a:\n    groups: [x]\n  a:\n    groups: [y]\n', 'users.yaml:4:'],
    [
      `users:\n  a:\n    tokens: [${token.hash}]\n  b:\n    tokens: [${token.hash}]\n`,
      "users.yaml:5: user b: this token hash is already user a's",
    ],
    ['people:\n  a: {}\n', 'users.yaml:1: unknown key "people"'],
    ['users:\n  "bad name":\n    groups: [x]\n', 'users.yaml:2: "bad name" is not a user name'],
    [
      'users:\n  a:\n    groups: [ok, "no/slash"]\n',
      'users.yaml:3: user a: "no/slash" is not a group name',
    ],
    ['- just\n- a list\n', 'users.yaml:1: expected a mapping'],
  ];
  for (const [text, prefix] of cases) {
    assert.throws(
      () => parseUsersFile(text, 'users.yaml'),
      (err: Error) => {
        assert.equal(errorKind(err), 'invalid');
        assert.ok(err.message.startsWith(prefix), `${JSON.stringify(text)}: ${err.message}`);
        assert.ok(!err.message.includes('hunter2'), 'no password in the message');
        return true;
      },
    );
  }
});

test('reload: a changed file is put in force; a bad one is logged (line named) and the old kept', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-users-'));
  const file = join(dir, 'users.yaml');
  let log = '';
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _e, cb) {
        log += chunk.toString();
        cb();
      },
    }),
  );
  try {
    await writeFile(file, good);
    const source = new UsersFileSource(file, logger, { pollMs: 20 });
    const auth = source.authenticator;
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    const ok = await auth.authenticate(basic('alice', 'alice-pw'));
    assert.equal(ok.ok && ok.principal.user, 'alice');

    // A bad file on reload: logged with its line, alice still known.
    await writeFile(file, 'users:\n  alice:\n    password: plain\n');
    assert.equal(source.reload(), false);
    assert.match(log, new RegExp(`${file}:3: user alice: password must be a bcrypt hash`));
    const still = await auth.authenticate(basic('alice', 'alice-pw'));
    assert.equal(still.ok, true);

    // A change is seen by the watcher without any signal: bob appears, alice is gone, and
    // alice's remembered verification is forgotten with the old file.
    source.watch();
    const bobHash = bcrypt.hashSync('bob-pw', 4);
    await writeFile(file, `users:\n  bob:\n    password: "${bobHash}"\n`);
    for (let waited = 0; ; waited += 20) {
      const r = await auth.authenticate(basic('bob', 'bob-pw'));
      if (r.ok) break;
      assert.ok(waited < 20_000, 'the changed file was not reloaded within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const gone = await auth.authenticate(basic('alice', 'alice-pw'));
    assert.deepEqual(gone.ok, false);
    source.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('at start-up a bad file is refused naming the line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-users-'));
  const file = join(dir, 'users.yaml');
  try {
    await writeFile(file, 'users:\n  a:\n    tokens: nope\n');
    assert.throws(() => new UsersFileSource(file, pino({ level: 'silent' })), /users\.yaml:3: /);
    assert.throws(
      () => new UsersFileSource(join(dir, 'missing.yaml'), pino({ level: 'silent' })),
      /auth\.users_file: cannot read .*missing\.yaml: ENOENT/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
