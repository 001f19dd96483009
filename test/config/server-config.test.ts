import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';

test('server.*: defaults', () => {
  const { shutdownGraceMs, ...connections } = loadConfig().server;
  assert.equal(shutdownGraceMs, 30_000);
  assert.deepEqual(connections, {
    headerTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    idleTimeoutMs: 15_000,
    sendTimeoutMs: 60_000,
    maxConnections: 4096,
    maxConnectionsPerClient: 256,
    fastPath: true,
    publicUrl: '',
  });
});

test('server.*: from the environment and flags', () => {
  const c = loadConfig({
    env: {
      MODGATE_SERVER_HEADER_TIMEOUT: '2s',
      MODGATE_SERVER_IDLE_TIMEOUT: '65s',
      MODGATE_SERVER_SEND_TIMEOUT: '2m',
      MODGATE_SERVER_MAX_CONNECTIONS_PER_CLIENT: '0',
      MODGATE_SERVER_FAST_PATH: 'false',
    },
    flags: { 'server.request_timeout': '1m', 'server.max_connections': '20000' },
  });
  assert.equal(c.server.headerTimeoutMs, 2000);
  assert.equal(c.server.requestTimeoutMs, 60_000);
  assert.equal(c.server.idleTimeoutMs, 65_000);
  assert.equal(c.server.sendTimeoutMs, 120_000);
  assert.equal(c.server.maxConnections, 20_000);
  assert.equal(c.server.maxConnectionsPerClient, 0);
  assert.equal(c.server.fastPath, false);
});

test('server.*: refused values name their key', () => {
  const refused: [Record<string, unknown>, RegExp][] = [
    [{ 'server.header_timeout': '0s' }, /server\.header_timeout .*more than 0/],
    [{ 'server.idle_timeout': '0s' }, /server\.idle_timeout .*more than 0/],
    [{ 'server.send_timeout': '0s' }, /server\.send_timeout .*more than 0/],
    [{ 'server.request_timeout': '48h' }, /server\.request_timeout .*24h/],
    [
      { 'server.header_timeout': '1m', 'server.request_timeout': '30s' },
      /server\.header_timeout .*may not exceed server\.request_timeout/,
    ],
    [{ 'server.max_connections': 0 }, /server\.max_connections /],
    [{ 'server.max_connections_per_client': -1 }, /server\.max_connections_per_client /],
    [{ 'server.max_connections_per_client': 'many' }, /server\.max_connections_per_client /],
  ];
  for (const [flags, message] of refused) {
    assert.throws(() => loadConfig({ flags }), message, JSON.stringify(flags));
  }
});
