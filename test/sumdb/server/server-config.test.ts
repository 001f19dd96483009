import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config/index.js';

test('sumdb.server: off by default, named modgate; bad names, taken names and bad URLs are refused', () => {
  const defaults = loadConfig({ cwd: '/srv' });
  assert.deepEqual(defaults.sumdbServer, { enabled: false, name: 'modgate', url: '' });
  const set = loadConfig({
    cwd: '/srv',
    env: {
      MODGATE_SUMDB_SERVER_ENABLED: 'true',
      MODGATE_SUMDB_SERVER_NAME: 'sumdb.corp.example/private',
      MODGATE_SUMDB_SERVER_URL: 'https://goproxy.corp.example/',
    },
  });
  assert.deepEqual(set.sumdbServer, {
    enabled: true,
    name: 'sumdb.corp.example/private',
    url: 'https://goproxy.corp.example',
  });
  const bad: [Record<string, string>, RegExp][] = [
    [{ 'sumdb.server.name': 'a+b' }, /sumdb\.server\.name.*not a valid key name/],
    [{ 'sumdb.server.name': 'corp.example/' }, /sumdb\.server\.name.*ends in "\/"/],
    [{ 'sumdb.server.name': 'corp.example/../x' }, /sumdb\.server\.name.*starts with "\."/],
    [
      { 'sumdb.server.enabled': 'true', 'sumdb.server.name': 'sum.golang.org' },
      /already the name of a database in sumdb\.databases/,
    ],
    [{ 'sumdb.server.url': 'goproxy.corp.example' }, /sumdb\.server\.url.*http\(s\) URL/],
  ];
  for (const [flags, want] of bad) {
    assert.throws(
      () => loadConfig({ cwd: '/srv', flags }),
      (err) => err instanceof ConfigError && want.test(err.message),
      JSON.stringify(flags),
    );
  }
});
