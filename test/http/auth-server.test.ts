// Authentication and read access at the HTTP front (issue 14 items 1, 2, 4): the same answers
// on the fast path and on node:http, audit lines with user and client address.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import bcrypt from 'bcryptjs';
import { Authenticator } from '../../src/http/auth-authenticator.js';
import { AuthGate } from '../../src/http/auth-gate.js';
import { parseUsersFile } from '../../src/http/auth-users-file.js';
import { ClientAddresses } from '../../src/http/client-address.js';
import type { AuditEntry, AuditLog } from '../../src/log/index.js';
import { compilePolicy } from '../../src/policy/index.js';
import { newToken } from '../../src/cli/auth.js';
import { RawClient, startServer, type RawResponse } from './fast-path-support.js';

const token = newToken();
const users = parseUsersFile(
  `users:
  alice:
    password: "${bcrypt.hashSync('alice-pw', 4)}"
    groups: [dev]
  bob:
    password: "${bcrypt.hashSync('bob-pw', 4)}"
    tokens: [${token.hash}]
`,
  'users.yaml',
);
const policy = compilePolicy({
  private: 'corp.example.com',
  noVerify: '',
  insecure: '',
  vcsPolicy: '',
  access: {
    rules: ['corp.example.com read=@dev', 'restricted.example.com read=alice'],
    defaultRead: 'anonymous',
    defaultPublish: 'none',
  },
});
const basic = (u: string, p: string) =>
  `Authorization: Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

async function ask(port: number, path: string, ...headers: string[]): Promise<RawResponse> {
  const client = await RawClient.open(port);
  try {
    client.send(
      `GET ${path} HTTP/1.1\r\nHost: x\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`,
    );
    const [response] = await client.responses([false]);
    return response!;
  } finally {
    client.close();
  }
}

const header = (r: RawResponse, name: string) =>
  r.head
    .find((l) => l.toLowerCase().startsWith(`${name}:`))
    ?.slice(name.length + 1)
    .trim();

for (const fastPath of [true, false]) {
  describe(`authentication and access (fast path ${fastPath ? 'on' : 'off'})`, () => {
    test('401 anonymous, 404 hidden private, 403 not granted, 200 granted; audit lines', async () => {
      const audited: AuditEntry[] = [];
      const audit: AuditLog = { write: (e) => audited.push(e), reopen() {}, flush() {} };
      const server = await startServer({
        fastPath,
        gate: new AuthGate({ authenticator: new Authenticator(users), policy }),
        clientAddresses: new ClientAddresses(['127.0.0.1']),
        audit,
      });
      try {
        const corp = '/corp.example.com/app/@v/v1.0.0.mod';
        const anon = await ask(server.port, corp);
        assert.equal(anon.status, 401);
        assert.equal(header(anon, 'www-authenticate'), 'Basic realm="modgate"');
        assert.match(anon.body.toString(), /authentication required/);

        // bob may not read private corp.example.com: 404 whether the module exists or not
        // (this upstream has every path), the same body for every version.
        const hidden = await ask(server.port, corp, basic('bob', 'bob-pw'));
        assert.equal(hidden.status, 404);
        assert.equal(hidden.body.toString(), 'not found: corp.example.com/app\n');
        const hiddenList = await ask(
          server.port,
          '/corp.example.com/app/@v/list',
          `Authorization: Bearer ${token.token}`,
        );
        assert.equal(hiddenList.status, 404);
        assert.equal(hiddenList.body.toString(), hidden.body.toString());

        const notGranted = await ask(
          server.port,
          '/restricted.example.com/m/@latest',
          basic('bob', 'bob-pw'),
        );
        assert.equal(notGranted.status, 403);

        // Wrong password, and a malformed header: refused even on paths anyone may read.
        assert.equal(
          (await ask(server.port, '/example.com/m/@v/list', basic('alice', 'nope'))).status,
          401,
        );
        assert.equal(
          (await ask(server.port, '/example.com/m/@v/list', 'Authorization: Basic %%%')).status,
          400,
        );
        assert.equal((await ask(server.port, '/example.com/m/@v/list')).status, 200);

        // alice reads corp: 200, the second time a cached answer with a remembered password.
        const first = await ask(
          server.port,
          corp,
          basic('alice', 'alice-pw'),
          'X-Forwarded-For: 203.0.113.7',
        );
        assert.equal(first.status, 200);
        assert.equal(first.body.toString(), 'module corp.example.com/app\n');
        const before = server.nodeRequests();
        const again = await ask(
          server.port,
          corp,
          basic('alice', 'alice-pw'),
          'X-Forwarded-For: 203.0.113.7',
        );
        assert.equal(again.status, 200);
        if (fastPath) assert.equal(server.nodeRequests(), before, 'answered on the fast path');
        // ...but a refused read never is: node:http answers it.
        const nodeBefore = server.nodeRequests();
        assert.equal((await ask(server.port, corp, basic('bob', 'bob-pw'))).status, 404);
        assert.equal(server.nodeRequests(), nodeBefore + 1);

        const lines = audited.map(
          (e) =>
            `${e.user ?? '-'} ${e.client} ${e.module} ${e.version ?? '-'} ${e.file} ${e.status}`,
        );
        assert.deepEqual(lines, [
          '- 127.0.0.1 corp.example.com/app v1.0.0 mod 401',
          'bob 127.0.0.1 corp.example.com/app v1.0.0 mod 404',
          'bob 127.0.0.1 corp.example.com/app - list 404',
          'bob 127.0.0.1 restricted.example.com/m - latest 403',
          '- 127.0.0.1 example.com/m - list 401',
          '- 127.0.0.1 example.com/m - list 400',
          '- 127.0.0.1 example.com/m - list 200',
          'alice 203.0.113.7 corp.example.com/app v1.0.0 mod 200',
          'alice 203.0.113.7 corp.example.com/app v1.0.0 mod 200',
          'bob 127.0.0.1 corp.example.com/app v1.0.0 mod 404',
        ]);
        // The access log carries the user and client too, never the credentials.
        const access = server.lines().filter((l) => l.user === 'alice');
        assert.equal(access.length, 2);
        assert.equal(access[0]?.client, '203.0.113.7');
        assert.ok(!JSON.stringify(server.lines()).includes('alice-pw'));
      } finally {
        await server.stop();
      }
    });
  });
}

test('client addresses: X-Forwarded-For only from trusted proxies, walked from the right', () => {
  const none = new ClientAddresses([]);
  assert.equal(none.of('127.0.0.1', '1.2.3.4'), '127.0.0.1');
  const lb = new ClientAddresses(['10.0.0.0/8', '192.0.2.1', 'fd00::/8']);
  assert.equal(lb.of('198.51.100.1', '1.2.3.4'), '198.51.100.1', 'peer not trusted');
  assert.equal(lb.of('10.1.2.3', '1.2.3.4'), '1.2.3.4');
  assert.equal(lb.of('::ffff:10.1.2.3', 'spoofed, 1.2.3.4, 10.9.9.9'), '1.2.3.4');
  assert.equal(lb.of('10.1.2.3', ['5.6.7.8', '192.0.2.1']), '5.6.7.8');
  assert.equal(lb.of('10.1.2.3', 'garbage, 10.2.2.2'), '10.2.2.2', 'a bad hop stops the walk');
  assert.equal(lb.of('10.1.2.3', undefined), '10.1.2.3');
  assert.equal(lb.of('fd00::1', '2001:db8::5'), '2001:db8::5');
});
