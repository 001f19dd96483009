import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import type { ChecksumGate, FileToStore } from '../../src/service/checksum-gate.js';
import { Stash, type StashedZip, type StashTarget } from '../../src/service/stash.js';
import type { ZipDownload } from '../../src/service/zip-download.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { hashGoMod } from '../../src/zip/index.js';
import { hashZipFile } from '../../src/zip/files/index.js';
import { makeZip } from '../support/fixture-proxy.js';

let spoolDir: string;
before(async () => {
  spoolDir = await mkdtemp(join(tmpdir(), 'modgate-stash-'));
});
after(async () => {
  await rm(spoolDir, { recursive: true, force: true });
});

/** A gate that records what it was asked and refuses what `refuse` says. */
class RecordingGate implements ChecksumGate {
  readonly seen: FileToStore[] = [];
  refuse = (_file: FileToStore): boolean => false;
  check(file: FileToStore): Promise<void> {
    this.seen.push(file);
    if (this.refuse(file)) return Promise.reject(new ModgateError('checksum', 'refused'));
    return Promise.resolve();
  }
}

const target = (file: 'mod' | 'zip', priv = false): StashTarget => ({
  modulePath: 'example.com/m',
  version: 'v1.0.0',
  key: `example.com/m/@v/v1.0.0.${file}`,
  private: priv,
});

/** The spooled download of a zip (the stash's `memoryZipBytes: 0` keeps every zip spooled). */
function spooled(zip: StashedZip): { download: ZipDownload; reader: Readable } {
  if (zip.download === undefined) throw new Error('expected a spooled download');
  return zip;
}

async function drain(reader: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of reader) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

test("stash: a go.mod is hashed, shown to the gates (with the policy's private flag), stored", async () => {
  const storage = new MemoryStorage();
  const gate = new RecordingGate();
  const stash = new Stash(storage, { spoolDir, checksumGates: [gate] });
  const body = Buffer.from('module example.com/m\n');
  assert.deepEqual(await stash.mod(target('mod', true), () => Promise.resolve(body)), body);
  assert.deepEqual(gate.seen, [
    {
      modulePath: 'example.com/m',
      version: 'v1.0.0',
      file: 'mod',
      hash: hashGoMod(body),
      isPrivate: true,
    },
  ]);
  assert.deepEqual(await storage.getBytes('example.com/m/@v/v1.0.0.mod'), body);

  gate.refuse = () => true;
  const other = { ...target('mod'), key: 'example.com/m/@v/v1.1.0.mod', version: 'v1.1.0' };
  await assert.rejects(
    stash.mod(other, () => Promise.resolve(body)),
    /refused/,
  );
  assert.equal(await storage.getBytes(other.key), null);
});

test('stash: a zip passes the zip rules, then the gates with its h1 hash, then is committed (spooled)', async () => {
  const storage = new MemoryStorage();
  const gate = new RecordingGate();
  const stash = new Stash(storage, { spoolDir, checksumGates: [gate], memoryZipBytes: 0 });
  const zip = await makeZip('example.com/m', 'v1.0.0', { 'go.mod': 'module example.com/m\n' });
  let opened = 0;
  const open = () => {
    opened++;
    return Promise.resolve({ stream: Readable.from([zip]), size: zip.length });
  };
  // Two callers while it runs share one download.
  const [za, zb] = await Promise.all([
    stash.zip(target('zip'), open),
    stash.zip(target('zip'), open),
  ]);
  const [a, b] = [spooled(za), spooled(zb)];
  assert.equal(opened, 1);
  assert.equal(a.download, b.download);
  assert.deepEqual(await drain(a.reader), zip);
  assert.deepEqual(await drain(b.reader), zip);
  await a.download.finished;
  const copy = join(spoolDir, 'check.zip');
  await writeFile(copy, zip);
  const hash = await hashZipFile(copy);
  assert.equal(gate.seen[0]?.hash, hash);
  assert.equal(gate.seen[0]?.file, 'zip');
  assert.equal((await storage.stat(target('zip').key))?.size, zip.length);
  assert.equal(await stash.storedZipHash(target('zip').key), hash);
  await rm(copy);
  assert.deepEqual(await readdir(spoolDir), [], 'no spool file left behind');
});

test('stash: a zip the rules refuse reaches neither the gates nor storage', async () => {
  const storage = new MemoryStorage();
  const gate = new RecordingGate();
  const stash = new Stash(storage, { spoolDir, checksumGates: [gate], memoryZipBytes: 0 });
  // Files of another module: the rules refuse it.
  const wrong = await makeZip('example.com/other', 'v1.0.0', {
    'go.mod': 'module example.com/other\n',
  });
  const { download, reader } = spooled(
    await stash.zip(target('zip'), () =>
      Promise.resolve({ stream: Readable.from([wrong]), size: wrong.length }),
    ),
  );
  await assert.rejects(drain(reader));
  await assert.rejects(download.finished);
  assert.deepEqual(gate.seen, []);
  assert.equal(await storage.stat(target('zip').key), null);
});
