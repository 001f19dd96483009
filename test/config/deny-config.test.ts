// The configuration keys of issue 14 items 3 and 6: deny, validator.*, publish.*.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.js';

async function withFile(text: string, fn: (file: string) => void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-deny-config-'));
  try {
    const file = join(dir, 'modgate.yaml');
    await writeFile(file, text);
    fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('deny: YAML list of rules, and JSON text from the environment', async () => {
  await withFile(
    'deny:\n  - module: example.com/bad\n    versions: "<v1.2.3"\n    reason: CVE-1\n  - module: typo.example/x\n',
    (file) => {
      assert.deepEqual(loadConfig({ file }).deny, [
        { module: 'example.com/bad', versions: '<v1.2.3', reason: 'CVE-1' },
        { module: 'typo.example/x', versions: '', reason: '' },
      ]);
    },
  );
  const env = { MODGATE_DENY: '[{"module":"a.example/b","versions":"=v1.0.0"}]' };
  assert.deepEqual(loadConfig({ env }).deny, [
    { module: 'a.example/b', versions: '=v1.0.0', reason: '' },
  ]);
  assert.deepEqual(loadConfig({}).deny, []);
});

test('deny: a bad range stops start-up naming the rule', async () => {
  await withFile(
    'deny:\n  - module: ok.example/a\n  - module: example.com/bad\n    versions: "<=1.2"\n',
    (file) => {
      assert.throws(
        () => loadConfig({ file }),
        (err: Error) =>
          err instanceof ConfigError &&
          err.message.includes('deny[1] ("example.com/bad"): versions: bad version range "<=1.2"'),
      );
    },
  );
  assert.throws(() => loadConfig({ env: { MODGATE_DENY: 'nope' } }), /expected a list of/);
  await withFile('deny:\n  - module: a.example/b\n    version: "<v1"\n', (file) => {
    assert.throws(() => loadConfig({ file }), /deny\.0: unknown setting\(s\) version|version/);
  });
});

test('validator and publish: defaults and checks', () => {
  const c = loadConfig({});
  assert.deepEqual(c.validator, {
    url: '',
    timeoutMs: 10_000,
    failOpen: false,
    privateService: false,
  });
  assert.deepEqual(c.publish, { enabled: false, modules: '' });
  assert.throws(
    () => loadConfig({ env: { MODGATE_VALIDATOR_URL: 'ftp://x' } }),
    /validator\.url.*http/,
  );
  assert.throws(
    () => loadConfig({ env: { MODGATE_PUBLISH_ENABLED: 'true' } }),
    /publish\.enabled.*publish\.modules/,
  );
  const p = loadConfig({
    env: { MODGATE_PUBLISH_ENABLED: 'true', MODGATE_PUBLISH_MODULES: 'corp.example/hosted' },
  });
  assert.deepEqual(p.publish, { enabled: true, modules: 'corp.example/hosted' });
});
