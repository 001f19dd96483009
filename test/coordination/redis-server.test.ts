// The test helper that runs a real redis-server (test/support/redis-server.ts): it starts,
// answers, goes away on kill and comes back on the same port on restart, and requires the
// password it was given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisServer } from '../support/redis-server.js';

async function ping(url: string): Promise<string> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: 10_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.ping();
  } finally {
    client.disconnect();
  }
}

test('redis-server starts, stops, restarts on the same port', async () => {
  const redis = await RedisServer.start();
  try {
    assert.equal(await ping(redis.url), 'PONG');
    await redis.kill();
    assert.equal(redis.isRunning, false);
    await assert.rejects(ping(redis.url));
    await redis.restart();
    assert.equal(await ping(redis.url), 'PONG');
  } finally {
    await redis.close();
  }
});

test('redis-server with a password refuses clients without it', async () => {
  const redis = await RedisServer.start({ password: 's3cret/pw' });
  try {
    assert.match(redis.url, /^redis:\/\/:s3cret%2Fpw@127\.0\.0\.1:\d+$/);
    assert.equal(await ping(redis.url), 'PONG');
    await assert.rejects(ping(`redis://127.0.0.1:${redis.port}`));
  } finally {
    await redis.close();
  }
});
