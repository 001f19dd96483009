import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { buildApp } from '../../../../src/app/build-app.js';
import { ConfigError, loadConfig } from '../../../../src/config/index.js';
import { ModgateError } from '../../../../src/errors/index.js';
import { createLogger } from '../../../../src/log/index.js';

describe('config: direct.ssh_keys, direct.ssh_known_hosts, direct.ssh_host_key_checking', () => {
  test('defaults; HOST=PATH entries from the environment; paths resolved', () => {
    const d = loadConfig({ cwd: '/srv/modgate' }).direct;
    assert.deepEqual(d.sshKeys, []);
    assert.equal(d.sshKnownHosts, '');
    assert.equal(d.sshHostKeyChecking, 'strict');
    const c = loadConfig({
      cwd: '/srv/modgate',
      env: {
        MODGATE_DIRECT_SSH_KEYS:
          'git.corp.example=keys/corp; *.eu.corp.example = ~/.ssh/eu;[::1]:2222=/k',
        MODGATE_DIRECT_SSH_KNOWN_HOSTS: 'known_hosts',
        MODGATE_DIRECT_SSH_HOST_KEY_CHECKING: 'accept-new',
      },
    }).direct;
    assert.deepEqual(c.sshKeys, [
      { host: 'git.corp.example', path: '/srv/modgate/keys/corp' },
      { host: '*.eu.corp.example', path: join(homedir(), '.ssh/eu') },
      { host: '[::1]:2222', path: '/k' },
    ]);
    assert.equal(c.sshKnownHosts, '/srv/modgate/known_hosts');
    assert.equal(c.sshHostKeyChecking, 'accept-new');
  });

  test('bad entries are configuration errors naming the key', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ 'direct.ssh_keys': 'git.corp.example' }, /direct\.ssh_keys.*not HOST=PATH/],
      [{ 'direct.ssh_keys': 'ssh://git.corp.example=/k' }, /direct\.ssh_keys.*not HOST=PATH/],
      [{ 'direct.ssh_keys': 'h=/keys/%h' }, /direct\.ssh_keys.*characters ssh would interpret/],
      [{ 'direct.ssh_known_hosts': '/k/${HOME}' }, /direct\.ssh_known_hosts.*characters ssh/],
      [{ 'direct.ssh_host_key_checking': 'no' }, /direct\.ssh_host_key_checking/],
    ];
    for (const [flags, re] of cases) {
      assert.throws(
        () => loadConfig({ flags, cwd: '/' }),
        (err: unknown) => err instanceof ConfigError && re.test(err.message),
        JSON.stringify(flags),
      );
    }
  });

  test('start-up: a bad key file stops modgate with an error naming the host and the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modgate-sshcfg-'));
    try {
      const key = join(dir, 'id_test');
      await writeFile(key, 'not a key at all\n');
      await chmod(key, 0o600);
      const config = loadConfig({
        flags: {
          data_dir: join(dir, 'data'),
          upstream: 'off',
          'direct.ssh_keys': `git.corp.example=${key}`,
        },
      });
      const logger = createLogger(config.log, new PassThrough());
      await assert.rejects(buildApp(config, logger), (err: unknown) => {
        assert.ok(err instanceof ModgateError);
        assert.equal(err.kind, 'invalid');
        assert.equal(
          err.message,
          `config: direct.ssh_keys: the key for git.corp.example (${key}) does not hold a private key in a format ssh reads (OpenSSH or PEM "-----BEGIN ... PRIVATE KEY-----")`,
        );
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
