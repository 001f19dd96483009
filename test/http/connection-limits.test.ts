import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { clientKey, connectionCaps } from '../../src/http/connection-guard.js';
import { parseOpenFilesLimit } from '../../src/http/descriptor-limit.js';
import {
  closedWithin,
  getStatus,
  openSocket,
  startBareServer,
  until,
  type BareServer,
} from './bare-proxy-server.js';

const warnings = (s: BareServer, setting: string): Record<string, unknown>[] =>
  s.lines().filter((l) => l.level === 40 && String(l.msg).includes(setting));

/** Generous bounds: a connection must be closed long before these, never near them. */
const BOUND_MS = 8000;

describe('client connection limits', () => {
  test('a client holding its per-client cap of idle connections cannot lock others out', async () => {
    const s = await startBareServer({ maxConnections: 100, maxConnectionsPerClient: 4 });
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 6; i++) held.push(await openSocket(s.port));
      // Two over the cap: closed at once, counted and logged (once: the second is counted
      // towards the next line, 10 s later).
      await until(() => held.filter((socket) => socket.destroyed).length === 2);
      assert.equal(s.server.connections.refusedPerClient, 2);
      assert.equal(s.server.connections.open, 4);
      assert.equal(s.server.connections.refusedMaxConnections, 0);
      const lines = warnings(s, 'server.max_connections_per_client');
      assert.equal(lines.length, 1);
      assert.equal(lines[0]?.client, '127.0.0.1');
      assert.equal(lines[0]?.limit, 4);
      assert.equal(lines[0]?.refused, 1);

      // Another client address is served while the four idle ones are held...
      assert.equal(await getStatus(s.url, '/healthz', '127.0.0.2'), 200);
      // ...and the greedy one is not.
      await assert.rejects(getStatus(s.url, '/healthz'));
      assert.equal(s.server.connections.refusedPerClient, 3);

      // Once it lets go, it is served again.
      for (const socket of held) socket.destroy();
      await until(() => s.server.connections.open === 0);
      assert.equal(await getStatus(s.url, '/healthz'), 200);
    } finally {
      for (const socket of held) socket.destroy();
      await s.stop();
    }
    // The refusals not written yet are written at shutdown.
    const lines = warnings(s, 'server.max_connections_per_client');
    assert.deepEqual(
      lines.map((l) => l.refused),
      [1, 2],
    );
  });

  test('connections filling the total cap without a request are closed at the header timeout', async () => {
    const s = await startBareServer({
      maxConnections: 3,
      maxConnectionsPerClient: 0,
      headerTimeoutMs: 500,
      requestTimeoutMs: 1000,
    });
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) held.push(await openSocket(s.port));
      await until(() => s.server.connections.open === 3);
      // The cap is reached: the next connection is closed at once, counted and logged.
      const extra = await openSocket(s.port);
      await closedWithin(extra, BOUND_MS);
      assert.equal(s.server.connections.refusedMaxConnections, 1);
      const lines = warnings(s, 'server.max_connections');
      assert.equal(lines.length, 1);
      assert.equal(lines[0]?.client, '127.0.0.1');
      assert.equal(lines[0]?.limit, 3);
      assert.equal(lines[0]?.refused, 1);
      // The silent ones get a 408 and are closed, freeing the slots for real clients.
      const answers = await Promise.all(held.map((socket) => closedWithin(socket, BOUND_MS)));
      for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 408 /);
      await until(() => s.server.connections.open === 0);
      assert.equal(await getStatus(s.url, '/healthz'), 200);
    } finally {
      for (const socket of held) socket.destroy();
      await s.stop();
    }
  });

  test('a connection trickling its headers is closed at the header timeout though it keeps sending', async () => {
    const s = await startBareServer({ headerTimeoutMs: 500, requestTimeoutMs: 1000 });
    const socket = await openSocket(s.port);
    const headers = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(4000)}`;
    let sent = 0;
    const trickle = setInterval(() => {
      if (!socket.destroyed) socket.write(headers.charAt(sent++ % headers.length));
    }, 20);
    try {
      const answer = await closedWithin(socket, BOUND_MS);
      assert.match(answer, /^HTTP\/1\.1 408 /);
      assert.ok(sent > 0);
    } finally {
      clearInterval(trickle);
      socket.destroy();
      await s.stop();
    }
  });

  test('an idle keep-alive connection is closed at the idle timeout', async () => {
    const s = await startBareServer({ idleTimeoutMs: 300 });
    const socket = await openSocket(s.port);
    try {
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      const answer = await closedWithin(socket, BOUND_MS);
      assert.match(answer, /^HTTP\/1\.1 200 /);
      assert.match(answer, /keep-alive/i);
    } finally {
      socket.destroy();
      await s.stop();
    }
  });

  test('the caps fit the descriptor limit, and a lowered one is logged', async () => {
    const s = await startBareServer({ descriptorLimit: 1024 });
    try {
      assert.deepEqual(s.server.caps, { total: 384, perClient: 192, loweredFrom: 4096 });
      const lines = warnings(s, 'lowered');
      assert.equal(lines.length, 1);
      assert.match(String(lines[0]?.msg), /server\.max_connections 4096 lowered to 384.*1024/);
    } finally {
      await s.stop();
    }
  });
});

test('connectionCaps', () => {
  // [max_connections, per client, descriptor limit] → [total, per client, lowered from]
  const cases: [number, number, number | undefined, number, number, number | undefined][] = [
    [4096, 256, undefined, 4096, 256, undefined],
    [4096, 256, 20000, 4096, 256, undefined],
    [4096, 256, 1024, 384, 192, 4096],
    [4096, 0, 1024, 384, 0, 4096],
    [100, 4, 1024, 100, 4, undefined],
    [10, 256, undefined, 10, 5, undefined],
    [4096, 256, 100, 16, 8, 4096],
    [1, 1, undefined, 1, 1, undefined],
  ];
  for (const [max, perClient, limit, total, wantPerClient, loweredFrom] of cases) {
    assert.deepEqual(
      connectionCaps(max, perClient, limit),
      { total, perClient: wantPerClient, loweredFrom },
      `${max} ${perClient} ${String(limit)}`,
    );
  }
});

test('clientKey: IPv4 as is, IPv4-mapped unwrapped, IPv6 by its /64', () => {
  const cases: [string, string][] = [
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['not:an:address', 'not:an:address'],
    ['1::2::3', '1::2::3'],
  ];
  for (const [address, key] of cases) assert.equal(clientKey(address), key, address);
});

test('parseOpenFilesLimit reads the soft limit of /proc/<pid>/limits', () => {
  const text = [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max processes             63581                63581                processes ',
    'Max open files            1024                 524288               files     ',
    'Max locked memory         8388608              8388608              bytes     ',
  ].join('\n');
  assert.equal(parseOpenFilesLimit(text), 1024);
  assert.equal(
    parseOpenFilesLimit(
      'Max open files            unlimited            unlimited            files',
    ),
    undefined,
  );
  assert.equal(parseOpenFilesLimit(''), undefined);
});
