// Port of cmd/go auth/netrc_test.go TestParseNetrc, and the credential sources.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { test } from 'node:test';
import {
  ChainedCredentials,
  StaticCredentials,
  credentialsFromTokens,
  defaultNetrcPath,
  netrcCredentials,
  parseNetrc,
  readNetrcFile,
} from '../../../../src/upstream/direct/discovery/index.js';

const testNetrc = `
machine incomplete
password none

machine api.github.com
  login user
  password pwd

machine incomlete.host
  login justlogin

machine test.host
login user2
password pwd2

machine oneline login user3 password pwd3

machine ignore.host macdef ignore
  login nobody
  password nothing

machine hasmacro.too macdef ignore-next-lines login user4 password pwd4
  login nobody
  password nothing

default
login anonymous
password gopher@golang.org

machine after.default
login oops
password too-late-in-file
`;

test('parseNetrc: cmd/go TestParseNetrc', () => {
  assert.deepEqual(parseNetrc(testNetrc), [
    { host: 'api.github.com', username: 'user', password: 'pwd' },
    { host: 'test.host', username: 'user2', password: 'pwd2' },
    { host: 'oneline', username: 'user3', password: 'pwd3' },
    { host: 'hasmacro.too', username: 'user4', password: 'pwd4' },
  ]);
});

test('credential sources: host matching, order, no secrets when printed', () => {
  const netrc = netrcCredentials(testNetrc);
  assert.deepEqual(netrc.forHost('api.github.com'), { username: 'user', password: 'pwd' });
  assert.deepEqual(netrc.forHost('API.GitHub.com'), { username: 'user', password: 'pwd' });
  assert.equal(netrc.forHost('github.com'), undefined);
  assert.equal(netrc.forHost('after.default'), undefined);
  assert.equal(netrc.forHost('ignore.host'), undefined);

  const list = new StaticCredentials([
    { host: 'gitlab.corp.example', username: 'bot', password: 's3cret-token' },
    { host: 'gitlab.corp.example', username: 'second', password: 'ignored' },
    { host: 'api.github.com', username: 'override', password: 'x' },
  ]);
  assert.deepEqual(list.forHost('gitlab.corp.example'), {
    username: 'bot',
    password: 's3cret-token',
  });
  assert.deepEqual(list.hosts(), ['gitlab.corp.example', 'api.github.com']);
  for (const shown of [
    inspect(list, { depth: 5, showHidden: true }),
    JSON.stringify(list),
    `${inspect(Object.assign({}, list))}`,
  ]) {
    assert.ok(!shown.includes('s3cret-token'), shown);
  }
  const chained = new ChainedCredentials([list, netrc]);
  assert.equal(chained.forHost('api.github.com')?.username, 'override');
  assert.equal(chained.forHost('test.host')?.username, 'user2');
  assert.equal(chained.forHost('nowhere.example'), undefined);
  assert.ok(!inspect(chained, { depth: 5, showHidden: true }).includes('s3cret-token'));

  // Returned objects are copies: changing one does not change the source.
  const c = list.forHost('gitlab.corp.example');
  if (c) c.password = 'changed';
  assert.equal(list.forHost('gitlab.corp.example')?.password, 's3cret-token');
});

test('readNetrcFile and defaultNetrcPath', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'modgate-netrc-'));
  try {
    const file = join(dir, 'netrc');
    writeFileSync(file, 'machine a.example login u password p\n');
    assert.deepEqual((await readNetrcFile(file)).forHost('a.example'), {
      username: 'u',
      password: 'p',
    });
    assert.deepEqual((await readNetrcFile(join(dir, 'missing'))).hosts(), []);
    await assert.rejects(readNetrcFile(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(defaultNetrcPath({ NETRC: '/x/y' }), '/x/y');
  assert.ok(defaultNetrcPath({}).endsWith('.netrc'));
});

test('credentialsFromTokens: host-wide HTTPS entries only', () => {
  const c = credentialsFromTokens([
    { host: 'gitlab.corp.example', token: 't1' },
    { host: 'https://git.corp.example/', username: 'bot', token: 't2' },
    { host: 'https://scoped.example/team/', token: 't3' },
    { host: 'http://plain.example/', token: 't4' },
    { host: 'ported.example:8443', token: 't5' },
    { host: 'bad host', token: 't6' },
  ]);
  assert.deepEqual(c.hosts(), ['gitlab.corp.example', 'git.corp.example']);
  assert.deepEqual(c.forHost('gitlab.corp.example'), {
    username: 'x-access-token',
    password: 't1',
  });
  assert.deepEqual(c.forHost('git.corp.example'), { username: 'bot', password: 't2' });
});
