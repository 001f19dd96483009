import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.js';

// The settings of issue 11 (metrics, tracing, resilience, rate limit) and issue 16's git
// cache bound: defaults, per-upstream overrides, and clear errors that name no secret.
describe('config: operations settings', () => {
  test('defaults', () => {
    const c = loadConfig({ cwd: '/srv' });
    assert.deepEqual(c.metrics, { enabled: true, listen: null });
    assert.deepEqual(c.tracing, { otlpEndpoint: '', serviceName: 'modgate', sampleRatio: 1 });
    assert.deepEqual(c.resilience.defaults, {
      retries: 2,
      retryInitialDelayMs: 100,
      retryMaxDelayMs: 2000,
      breakerFailures: 5,
      breakerCooldownMs: 30_000,
      maxConcurrentFetches: 64,
      maxQueuedFetches: 1024,
    });
    assert.deepEqual(c.resilience.perUpstream, []);
    assert.deepEqual(c.rateLimit, { requestsPerSecond: 0, burst: 200 });
    assert.equal(c.direct.gitCacheMaxBytes, 10 * 1024 ** 3);
    assert.equal(c.direct.gitCacheMaxAgeMs, 720 * 3_600_000);
  });

  test('metrics.listen takes HOST:PORT', () => {
    const c = loadConfig({ env: { MODGATE_METRICS_LISTEN: '127.0.0.1:9300' } });
    assert.deepEqual(c.metrics.listen, { host: '127.0.0.1', port: 9300 });
    assert.throws(
      () => loadConfig({ env: { MODGATE_METRICS_LISTEN: 'nine' } }),
      (err: unknown) =>
        err instanceof ConfigError && /metrics\.listen.*HOST:PORT/.test(err.message),
    );
  });

  test('per_upstream overrides some settings of one entry, the rest are the defaults', () => {
    const c = loadConfig({
      env: {
        MODGATE_UPSTREAM: 'https://user:s3cret@a.example|https://b.example,direct',
        MODGATE_RESILIENCE_RETRIES: '1',
        MODGATE_RESILIENCE_PER_UPSTREAM:
          'https://a.example retries=0 breaker_cooldown=5s; direct max_concurrent_fetches=4',
      },
    });
    assert.equal(c.resilience.defaults.retries, 1);
    assert.deepEqual(c.resilience.perUpstream, [
      {
        upstream: 'https://a.example',
        settings: { ...c.resilience.defaults, retries: 0, breakerCooldownMs: 5000 },
      },
      { upstream: 'direct', settings: { ...c.resilience.defaults, maxConcurrentFetches: 4 } },
    ]);
  });

  test('per_upstream errors: unknown key, bad value, not in the chain, twice — no credentials shown', () => {
    const cases: [string, RegExp][] = [
      ['https://b.example retry=1', /"retry=1".*KEY one of retries/],
      ['https://b.example retries=many', /the entry for https:\/\/b\.example: retries/],
      [
        'https://user:pw@c.example retries=1',
        /"https:\/\/xxxxx@c\.example" is not an entry of upstream \(https:\/\/b\.example\)/,
      ],
      ['https://b.example retries=1;https://b.example retries=2', /two entries/],
    ];
    for (const [value, pattern] of cases) {
      assert.throws(
        () =>
          loadConfig({
            env: {
              MODGATE_UPSTREAM: 'https://b.example',
              MODGATE_RESILIENCE_PER_UPSTREAM: value,
            },
          }),
        (err: unknown) =>
          err instanceof ConfigError &&
          /resilience\.per_upstream/.test(err.message) &&
          pattern.test(err.message) &&
          !err.message.includes(':pw@'),
        value,
      );
    }
  });

  test('tracing and git cache values are checked', () => {
    assert.throws(() => loadConfig({ env: { MODGATE_TRACING_OTLP_ENDPOINT: 'grpc://x:4317' } }));
    assert.throws(() => loadConfig({ env: { MODGATE_TRACING_SAMPLE_RATIO: '1.5' } }));
    assert.equal(
      loadConfig({ env: { MODGATE_DIRECT_GIT_CACHE_MAX_SIZE: '0' } }).direct.gitCacheMaxBytes,
      0,
    );
    assert.throws(() => loadConfig({ env: { MODGATE_DIRECT_GIT_CACHE_MAX_SIZE: '-1' } }));
  });
});
