import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { newVerifier } from '../../../src/sumdb/note/index.js';
import { parseGosumdb } from '../../../src/sumdb/gosumdb-config.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = join(root, 'bin', 'modgate.js');

function modgate(args: string[], env: Record<string, string> = {}) {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MODGATE_')) clean[k] = v;
  return spawnSync(process.execPath, [bin, ...args], {
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

test('modgate sumdb key prints a GOSUMDB value the go command syntax accepts, the same every time, never the secret', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-sumdb-key-'));
  try {
    const env = {
      MODGATE_SUMDB_SERVER_ENABLED: 'true',
      MODGATE_SUMDB_SERVER_NAME: 'sumdb.corp.example',
      MODGATE_SUMDB_SERVER_URL: 'https://goproxy.corp.example',
    };
    const first = modgate(['sumdb', 'key', '--data-dir', dir], env);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stderr, '');
    const value = first.stdout.trim();
    assert.match(
      value,
      /^sumdb\.corp\.example\+[0-9a-f]{8}\+\S+ https:\/\/goproxy\.corp\.example\/sumdb\/sumdb\.corp\.example$/,
    );
    const db = parseGosumdb(value)!;
    assert.equal(db.name, 'sumdb.corp.example');
    assert.equal(newVerifier(value.split(' ')[0]!).name, 'sumdb.corp.example');

    const second = modgate(['sumdb', 'key', '--data-dir', dir], env);
    assert.equal(second.stdout.trim(), value);
    const keyFile = join(dir, 'sumdb-server/sumdb.corp.example/signer-key');
    const secret = await readFile(keyFile, 'utf8');
    // Readable by modgate's user only, whatever the umask: a static server of data_dir or
    // another local user cannot read it.
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    assert.match(secret, /^PRIVATE\+KEY\+sumdb\.corp\.example\+/);
    const keyData = secret.trim().split('+').slice(4).join('+');
    for (const r of [first, second]) {
      assert.ok(!r.stdout.includes('PRIVATE') && !r.stdout.includes(keyData));
      assert.ok(!r.stderr.includes(keyData));
    }

    const disabled = modgate(['sumdb', 'key', '--data-dir', dir, '--listen', '127.0.0.1:4000'], {
      MODGATE_SUMDB_SERVER_NAME: 'sumdb.corp.example',
    });
    assert.equal(disabled.status, 0);
    assert.equal(
      disabled.stdout.trim(),
      `${value.split(' ')[0]} http://127.0.0.1:4000/sumdb/sumdb.corp.example`,
    );
    assert.match(disabled.stderr, /sumdb\.server\.enabled is false/);

    const memory = modgate(['sumdb', 'key'], { MODGATE_STORAGE_BACKEND: 'memory' });
    assert.equal(memory.status, 2);
    assert.match(memory.stderr, /storage\.backend is memory/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
