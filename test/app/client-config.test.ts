import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clientConfig } from '../../src/app/client-config.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { generateKey } from '../../src/sumdb/note/index.js';

// What `GET /.well-known/modgate/client-config` answers (issue 10): derived from the loaded
// configuration only, so a table of configurations covers it.

const load = (env: Record<string, string> = {}) => loadConfig({ cwd: '/srv', env });

describe('clientConfig', () => {
  test('defaults: the listen address, off after the proxy, sum.golang.org by name, no credentials', () => {
    assert.deepEqual(clientConfig(load(), { hostName: 'build-7' }), {
      url: 'http://127.0.0.1:3000',
      goproxy: 'http://127.0.0.1:3000,off',
      private: '',
      gosumdb: 'sum.golang.org',
      credentials: false,
    });
  });

  test('with TLS the derived URL is https; credentials says whether clients authenticate (issue 14)', () => {
    const c = clientConfig(load(), { hostName: 'h', https: true, credentials: true });
    assert.equal(c.url, 'https://127.0.0.1:3000');
    assert.equal(c.goproxy, 'https://127.0.0.1:3000,off');
    assert.equal(c.credentials, true);
  });

  test('server.public_url wins (trailing slash dropped), then sumdb.server.url, then the listen address', () => {
    const pub = load({
      MODGATE_SERVER_PUBLIC_URL: 'https://modgate.corp.example/',
      MODGATE_SUMDB_SERVER_URL: 'https://other.example',
    });
    assert.equal(clientConfig(pub, { hostName: 'h' }).url, 'https://modgate.corp.example');
    assert.equal(clientConfig(pub, { hostName: 'h' }).goproxy, 'https://modgate.corp.example,off');
    const sumdbUrl = load({ MODGATE_SUMDB_SERVER_URL: 'https://other.example/' });
    assert.equal(clientConfig(sumdbUrl, { hostName: 'h' }).url, 'https://other.example');
    const anyAddress = load({ MODGATE_LISTEN: '0.0.0.0:8080' });
    assert.equal(clientConfig(anyAddress, { hostName: 'build-7' }).url, 'http://build-7:8080');
  });

  test('an invalid server.public_url is a configuration error naming the key', () => {
    assert.throws(
      () => load({ MODGATE_SERVER_PUBLIC_URL: 'modgate.corp.example' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /server\.public_url/);
        return true;
      },
    );
  });

  test('private patterns for GONOSUMDB; the checksum database by key through the proxy, or as configured', () => {
    const key = generateKey('sumdb.corp.example', Buffer.alloc(32, 7)).verifier;
    const proxied = load({
      MODGATE_PRIVATE: 'corp.example.com,*.internal.example',
      MODGATE_SUMDB_DATABASES: `${key} https://sumdb.corp.example`,
    });
    const c = clientConfig(proxied, { hostName: 'h' });
    assert.equal(c.private, 'corp.example.com,*.internal.example');
    assert.equal(c.gosumdb, key);
    const direct = load({
      MODGATE_SUMDB_DATABASES: `${key}   https://sumdb.corp.example`,
      MODGATE_SUMDB_PROXY: 'false',
    });
    assert.equal(
      clientConfig(direct, { hostName: 'h' }).gosumdb,
      `${key} https://sumdb.corp.example`,
    );
    // modgate's own database: its GOSUMDB, and no GONOSUMDB patterns (it logs private modules too).
    const own = clientConfig(load({ MODGATE_PRIVATE: 'corp.example.com' }), {
      hostName: 'h',
      ownGosumdb: `${key} http://127.0.0.1:3000/sumdb/x`,
    });
    assert.equal(own.gosumdb, `${key} http://127.0.0.1:3000/sumdb/x`);
    assert.equal(own.private, '');
  });
});
