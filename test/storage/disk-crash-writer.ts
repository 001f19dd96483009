// Child process for the disk crash test: opens a DiskStorage, starts a putStream that never
// finishes, waits until bytes have reached the staging file, says "writing" on stdout and
// hangs there until the parent SIGKILLs it. Usage: node disk-crash-writer.js <dataDir> <key>
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiskStorage } from '../../src/storage/index.js';

const [dataDir, key] = process.argv.slice(2);
if (dataDir === undefined || key === undefined) throw new Error('usage: <dataDir> <key>');
const storage = await DiskStorage.open(dataDir);
const source = new PassThrough();
storage.putStream(key, source, 1_000_000).catch((err: unknown) => {
  process.stderr.write(`unexpected: ${String(err)}\n`);
  process.exit(2);
});
source.write(Buffer.alloc(64 * 1024, 0x61));
const staging = join(dataDir, '.staging');
for (;;) {
  const sizes = await Promise.all(
    (await readdir(staging, { recursive: true })).map(
      async (name) => (await stat(join(staging, name))).size,
    ),
  );
  if (sizes.some((size) => size >= 64 * 1024)) break;
  await sleep(10);
}
process.stdout.write('writing\n');
setInterval(() => undefined, 60_000);
