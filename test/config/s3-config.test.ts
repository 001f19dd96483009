import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { configForDisplay } from '../../src/cli/config-for-display.js';

// storage.backend: s3 and the storage.s3.* settings (issue 12 item 1).

const SECRET = 'cephtestsecretkey00000000000000000000001';

function s3Env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    MODGATE_STORAGE_BACKEND: 's3',
    MODGATE_STORAGE_S3_BUCKET: 'modules',
    ...extra,
  };
}

function configError(pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.match(err.message, pattern);
    return true;
  };
}

describe('storage.s3 settings', () => {
  test('defaults: no bucket, no prefix, SDK region and credentials, 16MiB parts', () => {
    assert.deepEqual(loadConfig({ cwd: '/srv' }).storage, {
      backend: 'disk',
      s3: {
        bucket: '',
        prefix: '',
        region: '',
        endpoint: '',
        forcePathStyle: false,
        accessKeyId: '',
        secretAccessKey: '',
        partSizeBytes: 16 * 1024 * 1024,
      },
    });
  });

  test('environment: a prefix becomes a folder, the endpoint loses its trailing slash', () => {
    const c = loadConfig({
      cwd: '/srv',
      env: s3Env({
        MODGATE_STORAGE_S3_PREFIX: 'goproxy',
        MODGATE_STORAGE_S3_REGION: 'us-east-1',
        MODGATE_STORAGE_S3_ENDPOINT: 'http://127.0.0.1:7301/',
        MODGATE_STORAGE_S3_FORCE_PATH_STYLE: 'true',
        MODGATE_STORAGE_S3_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        MODGATE_STORAGE_S3_SECRET_ACCESS_KEY: SECRET,
        MODGATE_STORAGE_S3_PART_SIZE: '8MiB',
      }),
    });
    assert.deepEqual(c.storage, {
      backend: 's3',
      s3: {
        bucket: 'modules',
        prefix: 'goproxy/',
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:7301',
        forcePathStyle: true,
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: SECRET,
        partSizeBytes: 8 * 1024 * 1024,
      },
    });
  });

  test('backend s3 needs a bucket', () => {
    assert.throws(
      () => loadConfig({ cwd: '/srv', env: { MODGATE_STORAGE_BACKEND: 's3' } }),
      configError(/storage\.s3\.bucket.*needs a bucket/),
    );
  });

  test('static credentials come in pairs', () => {
    assert.throws(
      () => loadConfig({ cwd: '/srv', env: s3Env({ MODGATE_STORAGE_S3_ACCESS_KEY_ID: 'AKID' }) }),
      configError(/storage\.s3\.access_key_id.*both/),
    );
    assert.throws(
      () =>
        loadConfig({ cwd: '/srv', env: s3Env({ MODGATE_STORAGE_S3_SECRET_ACCESS_KEY: SECRET }) }),
      configError(/storage\.s3\.access_key_id.*both/),
    );
  });

  test('parts are at least 5MiB', () => {
    assert.throws(
      () => loadConfig({ cwd: '/srv', env: s3Env({ MODGATE_STORAGE_S3_PART_SIZE: '4MiB' }) }),
      configError(/storage\.s3\.part_size.*5MiB/),
    );
    const c = loadConfig({ cwd: '/srv', env: s3Env({ MODGATE_STORAGE_S3_PART_SIZE: '5MiB' }) });
    assert.equal(c.storage.s3.partSizeBytes, 5 * 1024 * 1024);
  });

  test('endpoint and prefix are checked', () => {
    assert.throws(
      () =>
        loadConfig({ cwd: '/srv', env: s3Env({ MODGATE_STORAGE_S3_ENDPOINT: '127.0.0.1:7301' }) }),
      configError(/storage\.s3\.endpoint/),
    );
    assert.throws(
      () => loadConfig({ cwd: '/srv', env: s3Env({ MODGATE_STORAGE_S3_PREFIX: 'a b/' }) }),
      configError(/storage\.s3\.prefix/),
    );
  });

  test('config print hides the secret key', () => {
    const c = loadConfig({
      cwd: '/srv',
      env: s3Env({
        MODGATE_STORAGE_S3_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        MODGATE_STORAGE_S3_SECRET_ACCESS_KEY: SECRET,
      }),
    });
    const shown = JSON.stringify(configForDisplay(c));
    assert.ok(!shown.includes(SECRET), 'the secret is not shown');
    assert.match(shown, /"secret_access_key":"\[redacted\]"/);
    assert.match(shown, /"bucket":"modules"/);
  });
});
