// coordination.* settings (issue 12 item 2): defaults, validation, and the Redis password kept
// out of validation messages and `config print`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { configForDisplay } from '../../src/cli/config-for-display.js';

const PASSWORD = 'redis-pass-0123456789';

function fails(env: NodeJS.ProcessEnv, pattern: RegExp): void {
  assert.throws(
    () => loadConfig({ cwd: '/srv', env }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.match(err.message, pattern);
      assert.ok(!err.message.includes(PASSWORD), `the password is not shown: ${err.message}`);
      return true;
    },
  );
}

describe('coordination config', () => {
  test('defaults: no Redis, 30s locks, 60s waits', () => {
    const c = loadConfig({ cwd: '/srv' });
    assert.deepEqual(c.coordination, {
      redisUrl: '',
      lockTtlMs: 30_000,
      waitTimeoutMs: 60_000,
      keyPrefix: 'modgate:',
    });
  });

  test('a Redis URL with a password, database and durations', () => {
    const c = loadConfig({
      cwd: '/srv',
      env: {
        MODGATE_COORDINATION_REDIS_URL: `redis://:${PASSWORD}@redis.internal:6380/2`,
        MODGATE_COORDINATION_LOCK_TTL: '10s',
        MODGATE_COORDINATION_WAIT_TIMEOUT: '2m',
        MODGATE_COORDINATION_KEY_PREFIX: 'goproxy:',
      },
    });
    assert.equal(c.coordination.redisUrl, `redis://:${PASSWORD}@redis.internal:6380/2`);
    assert.equal(c.coordination.lockTtlMs, 10_000);
    assert.equal(c.coordination.waitTimeoutMs, 120_000);
    assert.equal(c.coordination.keyPrefix, 'goproxy:');
  });

  test('bad URLs are refused, the password never shown', () => {
    for (const url of [
      `http://:${PASSWORD}@redis.internal:6379`,
      `redis://:${PASSWORD}@redis.internal:6379/db`,
      `redis://:${PASSWORD}@redis.internal:6379/?x=1`,
      `redis.internal:6379`,
    ]) {
      fails({ MODGATE_COORDINATION_REDIS_URL: url }, /coordination\.redis_url.*redis:\/\//);
    }
  });

  test('locks and waits of at least a second; no globs in the prefix', () => {
    fails({ MODGATE_COORDINATION_LOCK_TTL: '500ms' }, /coordination\.lock_ttl.*at least 1s/);
    fails({ MODGATE_COORDINATION_WAIT_TIMEOUT: '0s' }, /coordination\.wait_timeout.*at least 1s/);
    fails({ MODGATE_COORDINATION_KEY_PREFIX: 'a*' }, /coordination\.key_prefix/);
  });

  test('config print hides the password', () => {
    const c = loadConfig({
      cwd: '/srv',
      env: { MODGATE_COORDINATION_REDIS_URL: `redis://default:${PASSWORD}@redis.internal:6379` },
    });
    const shown = JSON.stringify(configForDisplay(c));
    assert.ok(!shown.includes(PASSWORD), shown);
    assert.match(shown, /"redis_url":"redis:\/\/xxxxx@redis\.internal:6379"/);
  });
});
