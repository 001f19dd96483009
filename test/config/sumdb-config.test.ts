import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config/index.js';

// The checksum-database settings: sumdb.databases (GOSUMDB syntax, also `--sumdb`),
// sumdb.verify, sumdb.no_verify (GONOSUMDB syntax), sumdb.on_unreachable.

const TEST_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GOLANG_KEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';

function configError(pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.match(err.message, pattern);
    return true;
  };
}

describe('sumdb settings', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-sumdb-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('defaults: sum.golang.org, proxied and verified, refuse when unreachable', () => {
    const c = loadConfig({ cwd: '/srv' });
    assert.deepEqual(c.sumdb, {
      databases: ['sum.golang.org'],
      proxy: true,
      verify: true,
      noVerify: '',
      onUnreachable: 'refuse',
      offline: false,
    });
  });

  test('file, environment and flags', async () => {
    const f = join(dir, 'sumdb.yaml');
    await writeFile(
      f,
      `sumdb:\n  databases:\n    - "${TEST_KEY} http://127.0.0.1:9"\n    - sum.golang.org\n  verify: false\n  no_verify: example.com/legacy,github.com/acme/*\n  on_unreachable: allow\n`,
    );
    const fromFile = loadConfig({ file: f });
    assert.deepEqual(fromFile.sumdb, {
      databases: [`${TEST_KEY} http://127.0.0.1:9`, 'sum.golang.org'],
      proxy: true,
      verify: false,
      noVerify: 'example.com/legacy,github.com/acme/*',
      onUnreachable: 'allow',
      offline: false,
    });
    const fromEnv = loadConfig({
      env: {
        MODGATE_SUMDB_VERIFY: 'false',
        MODGATE_SUMDB_NO_VERIFY: 'example.com/x',
        MODGATE_SUMDB_ON_UNREACHABLE: 'allow',
        MODGATE_SUMDB_OFFLINE: 'true',
      },
    });
    assert.equal(fromEnv.sumdb.offline, true);
    assert.equal(fromEnv.sumdb.verify, false);
    assert.equal(fromEnv.sumdb.noVerify, 'example.com/x');
    assert.equal(fromEnv.sumdb.onUnreachable, 'allow');
    // Flags replace the file's list (the CLI passes every --sumdb as one list).
    const fromFlags = loadConfig({ file: f, flags: { 'sumdb.databases': [TEST_KEY] } });
    assert.deepEqual(fromFlags.sumdb.databases, [TEST_KEY]);
  });

  test('malformed keys stop start-up naming the key, the source and the reason', async () => {
    // A hash that does not match the key (one digit changed).
    const wrongHash = TEST_KEY.replace('c74f20a3', 'c74f20a4');
    assert.throws(
      () => loadConfig({ flags: { 'sumdb.databases': [wrongHash] } }),
      configError(
        /^config: sumdb\.databases \(from the command line\): invalid GOSUMDB "PeterNeumann\+c74f20a4\+.*": /,
      ),
    );
    // Key data cut short.
    assert.throws(
      () => loadConfig({ env: { MODGATE_SUMDB_DATABASES: GOLANG_KEY.slice(0, -4) } }),
      configError(
        /^config: sumdb\.databases \(from environment variable MODGATE_SUMDB_DATABASES\): invalid GOSUMDB "sum\.golang\.org\+033de0ae\+/,
      ),
    );
    // A name the go command does not know, without a key.
    const f = join(dir, 'unknown.yaml');
    await writeFile(f, 'sumdb:\n  databases: [sum.example.org]\n');
    assert.throws(
      () => loadConfig({ file: f }),
      configError(
        /^config: sumdb\.databases \(from .*unknown\.yaml\): invalid GOSUMDB "sum\.example\.org": unknown checksum database "sum\.example\.org"/,
      ),
    );
    // Too many fields, a bad URL.
    assert.throws(
      () => loadConfig({ flags: { 'sumdb.databases': [`${TEST_KEY} http://a http://b`] } }),
      configError(/too many fields/),
    );
    assert.throws(
      () => loadConfig({ flags: { 'sumdb.databases': [`${TEST_KEY} ftp://127.0.0.1/`] } }),
      configError(/only http and https are supported/),
    );
  });

  test('no_verify and on_unreachable are validated', () => {
    assert.throws(
      () => loadConfig({ env: { MODGATE_SUMDB_NO_VERIFY: 'example.com/a,https://b.example' } }),
      configError(
        /^config: sumdb\.no_verify \(from environment variable MODGATE_SUMDB_NO_VERIFY\): "https:\/\/b\.example" is not a module path pattern \(GONOSUMDB syntax/,
      ),
    );
    assert.throws(
      () => loadConfig({ flags: { 'sumdb.no_verify': 'a[' } }),
      configError(/sumdb\.no_verify \(from the command line\): "a\[" is not a module path pattern/),
    );
    assert.throws(
      () => loadConfig({ flags: { 'sumdb.on_unreachable': 'ignore' } }),
      configError(/sumdb\.on_unreachable \(from the command line\): /),
    );
    assert.throws(
      () => loadConfig({ flags: { 'sumdb.verify': 'yes' } }),
      configError(/sumdb\.verify \(from the command line\): expected true or false/),
    );
  });
});

// `--sumdb` through the real CLI (`node bin/modgate.js`; compiled to dist/test/config/, so the
// repository root is three levels up).
describe('modgate --sumdb', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const bin = join(root, 'bin', 'modgate.js');

  function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MODGATE_')) env[k] = v;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], {
        cwd: tmpdir(),
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  test('is repeatable, keeps the order and replaces the list', async () => {
    const r = await run([
      'config',
      'print',
      '--sumdb',
      `${TEST_KEY} http://127.0.0.1:9/db`,
      '--sumdb',
      'sum.golang.org',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const printed = parseYaml(r.stdout) as { sumdb: { databases: string[] } };
    assert.deepEqual(printed.sumdb.databases, [
      `${TEST_KEY} http://127.0.0.1:9/db`,
      'sum.golang.org',
    ]);
  });

  test('a malformed key is a one-line configuration error (exit 2)', async () => {
    const r = await run(['config', 'check', '--sumdb', TEST_KEY.replace('ARpc', 'XRpc')]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      /^modgate: config: sumdb\.databases \(from the command line\): invalid GOSUMDB "PeterNeumann\+/,
    );
    const help = await run(['serve', '--help']);
    assert.match(help.stdout, /--sumdb <gosumdb>/);
  });
});
