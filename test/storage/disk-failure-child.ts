// Child process for disk-failures.test.ts: runs one DiskStorage operation in a process whose
// limits or user the parent chose (a small RLIMIT_FSIZE, an unprivileged uid), and prints the
// outcome as one JSON line: {"ok":true,"value":...} or {"ok":false,"kind","message","code"}.
// Usage: node disk-failure-child.js <dataDir> <op> <key> [size]
//   op: open | putBytes | putStream | getBytes | openRead | stat | delete
import { Readable } from 'node:stream';
import { ModgateError } from '../../src/errors/index.js';
import { DiskStorage } from '../../src/storage/disk/disk-storage.js';

const [dataDir, op, key = '', sizeArg = '0'] = process.argv.slice(2);
if (dataDir === undefined || op === undefined) throw new Error('usage: <dataDir> <op> <key>');
const size = Number(sizeArg);

async function run(): Promise<unknown> {
  const storage = await DiskStorage.open(dataDir as string);
  try {
    return await runOn(storage);
  } finally {
    await storage.close();
  }
}

async function runOn(storage: DiskStorage): Promise<unknown> {
  const data = Buffer.alloc(size, 0x61);
  switch (op) {
    case 'open':
      return 'opened';
    case 'putBytes':
      return storage.putBytes(key, data);
    case 'putStream': {
      const chunks: Buffer[] = [];
      for (let i = 0; i < size; i += 4096) chunks.push(data.subarray(i, i + 4096));
      return storage.putStream(key, Readable.from(chunks, { objectMode: false }), size);
    }
    case 'getBytes':
      return (await storage.getBytes(key))?.length ?? null;
    case 'openRead': {
      const opened = await storage.openRead(key);
      if (opened === null) return null;
      let n = 0;
      for await (const chunk of opened.stream) n += (chunk as Buffer).length;
      return n;
    }
    case 'stat':
      return (await storage.stat(key))?.size ?? null;
    case 'delete':
      return storage.delete(key);
    default:
      throw new Error(`unknown op ${op}`);
  }
}

try {
  const value = await run();
  process.stdout.write(`${JSON.stringify({ ok: true, value: value ?? null })}\n`);
} catch (err) {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  process.stdout.write(
    `${JSON.stringify({
      ok: false,
      kind: err instanceof ModgateError ? err.kind : 'not a ModgateError',
      message: err instanceof Error ? err.message : String(err),
      code: typeof cause?.code === 'string' ? cause.code : null,
    })}\n`,
  );
}
