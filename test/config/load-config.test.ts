import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError, CONFIG_KEYS, envNameFor, loadConfig } from '../../src/config/index.js';

describe('loadConfig', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  async function file(name: string, text: string): Promise<string> {
    const p = join(dir, name);
    await writeFile(p, text);
    return p;
  }

  test('defaults', () => {
    const c = loadConfig({ cwd: '/srv' });
    assert.deepEqual(c.listen, { host: '127.0.0.1', port: 3000 });
    assert.equal(c.dataDir, '/srv/modgate-data');
    assert.equal(c.storage.backend, 'disk');
    assert.equal(c.upstream, 'https://proxy.golang.org');
    assert.equal(c.private, '');
    assert.equal(c.cache.listTtlMs, 60_000);
    assert.equal(c.limits.maxZipBytes, 524_288_000);
    assert.equal(c.limits.maxModBytes, 16 * 1024 * 1024);
    assert.equal(c.log.accessLog, true);
  });

  test('precedence: file < env < flags', async () => {
    const f = await file(
      'p.yaml',
      'upstream: https://file.example\nprivate: file.example\ncache:\n  list_ttl: 5m\n',
    );
    const c1 = loadConfig({ file: f });
    assert.equal(c1.upstream, 'https://file.example');
    assert.equal(c1.cache.listTtlMs, 300_000);
    const env = { MODGATE_UPSTREAM: 'https://env.example', MODGATE_CACHE_LIST_TTL: '10s' };
    const c2 = loadConfig({ file: f, env });
    assert.equal(c2.upstream, 'https://env.example');
    assert.equal(c2.private, 'file.example');
    assert.equal(c2.cache.listTtlMs, 10_000);
    const c3 = loadConfig({ file: f, env, flags: { upstream: 'https://flag.example' } });
    assert.equal(c3.upstream, 'https://flag.example');
    assert.equal(c3.cache.listTtlMs, 10_000);
  });

  test('errors name the key and where the value came from', async () => {
    const f = await file('bad.yaml', 'cache:\n  list_ttl: soon\n');
    assert.throws(
      () => loadConfig({ file: f }),
      (e: Error) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /cache\.list_ttl \(from .*bad\.yaml\): expected a duration/);
        return true;
      },
    );
    assert.throws(
      () => loadConfig({ env: { MODGATE_LIMITS_MAX_ZIP_SIZE: 'huge' } }),
      /limits\.max_zip_size \(from environment variable MODGATE_LIMITS_MAX_ZIP_SIZE\): expected a size/,
    );
    assert.throws(
      () => loadConfig({ flags: { listen: 'nowhere' } }),
      /listen \(from the command line\): expected HOST:PORT/,
    );
    assert.throws(
      () => loadConfig({ flags: { 'limits.max_zip_size': '1GiB' } }),
      /may not exceed Go's own limit/,
    );
    assert.throws(() => loadConfig({ flags: { 'storage.backend': 'tape' } }), /storage\.backend/);
    assert.throws(
      () => loadConfig({ flags: { upstream: '' } }),
      /upstream \(from the command line\)/,
    );
  });

  test('unknown keys, env vars and malformed files are refused', async () => {
    assert.throws(
      () => loadConfig({ env: { MODGATE_LISTN: 'x' } }),
      /unknown environment variable MODGATE_LISTN/,
    );
    assert.throws(() => loadConfig({ flags: { lisen: 'x' } }), /unknown setting "lisen"/);
    const typo = await file('typo.yaml', 'cache:\n  list_tll: 1m\n');
    assert.throws(() => loadConfig({ file: typo }), /unknown setting "cache\.list_tll"/);
    const notMap = await file('list.yaml', '- a\n- b\n');
    assert.throws(() => loadConfig({ file: notMap }), /must hold a mapping/);
    const broken = await file('broken.yaml', 'a: [1,\n');
    assert.throws(() => loadConfig({ file: broken }), /not valid YAML/);
    assert.throws(() => loadConfig({ file: join(dir, 'missing.yaml') }), /cannot read/);
    // Other programs' variables are none of our business.
    assert.doesNotThrow(() => loadConfig({ env: { HOME: '/root', MODGATEX: '1' } }));
  });

  test('durations, sizes, listen forms', () => {
    const c = loadConfig({
      flags: {
        listen: '[::1]:0',
        'cache.not_found_ttl': '500ms',
        'upstream_http.zip_timeout': '1h',
        'server.shutdown_grace': 0,
        'limits.max_mod_size': '512KiB',
        'limits.max_zip_size': 1000,
      },
    });
    assert.deepEqual(c.listen, { host: '::1', port: 0 });
    assert.equal(c.cache.notFoundTtlMs, 500);
    assert.equal(c.upstreamHttp.zipTimeoutMs, 3_600_000);
    assert.equal(c.server.shutdownGraceMs, 0);
    assert.equal(c.limits.maxModBytes, 512 * 1024);
    assert.equal(c.limits.maxZipBytes, 1000);
  });

  test('the result is deeply frozen', () => {
    const c = loadConfig();
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.cache) && Object.isFrozen(c.listen));
  });

  test('every key has an environment variable', () => {
    for (const key of CONFIG_KEYS) {
      const name = envNameFor(key);
      assert.match(name, /^MODGATE_[A-Z0-9_]+$/);
      assert.doesNotThrow(() => loadConfig({ env: { [name]: undefined } }));
    }
    assert.equal(envNameFor('cache.list_ttl'), 'MODGATE_CACHE_LIST_TTL');
  });
});
