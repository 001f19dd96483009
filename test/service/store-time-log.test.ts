import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Readable } from 'node:stream';
import { formatGoTimestamp } from '../../src/protocol/index-feed.js';
import { StoreTimeLog } from '../../src/service/store-time-log.js';
import { StoreTimeRecording } from '../../src/service/store-time-recording.js';
import { MemoryStorage } from '../../src/storage/index.js';

const HOUR = 3_600_000_000_000n;
const T0 = 1_765_000_800_000_000_000n; // an hour boundary: 2025-12-06T06:00:00Z

/** A clock the test moves. */
function clock(start: bigint): { now: () => bigint; set: (ns: bigint) => void } {
  let t = start;
  return { now: () => t, set: (ns) => (t = ns) };
}

test('records are kept per hour and writer, read back in timestamp order, since inclusive', async () => {
  const storage = new MemoryStorage();
  const c = clock(T0 + 5n);
  const a = new StoreTimeLog(storage, { writer: 'a', now: c.now });
  const b = new StoreTimeLog(storage, { writer: 'b', now: c.now });
  await a.record('example.com/a', 'v1.0.0');
  c.set(T0 + 10n);
  await b.record('example.com/b', 'v1.0.0');
  c.set(T0 + HOUR + 1n); // the next hour
  await a.record('example.com/a', 'v1.1.0');
  await a.record('example.com/a', 'v1.2.0'); // same clock: a microsecond later
  assert.deepEqual(await storage.list('index/'), [
    'index/2025-12-06/06/a',
    'index/2025-12-06/06/b',
    'index/2025-12-06/07/a',
  ]);
  const all = await a.read(0n, 100);
  assert.deepEqual(
    all.map((e) => `${e.path}@${e.version}`),
    [
      'example.com/a@v1.0.0',
      'example.com/b@v1.0.0',
      'example.com/a@v1.1.0',
      'example.com/a@v1.2.0',
    ],
  );
  assert.equal(all[3]?.timestampNs, T0 + HOUR + 1001n);
  assert.equal(formatGoTimestamp(T0 + HOUR + 1001n), '2025-12-06T07:00:00.000001001Z');
  // Each object holds the feed's own lines.
  assert.match(
    (await storage.getBytes('index/2025-12-06/07/a'))?.toString() ?? '',
    /^\{"Path":"example.com\/a","Version":"v1.1.0","Timestamp":"2025-12-06T07:00:00.000000001Z"\}\n\{"Path"/,
  );

  // since is inclusive; limit pages; a fresh reader (a restart) sees the same.
  const restarted = new StoreTimeLog(storage, { writer: 'c' });
  const since = all[1]?.timestampNs ?? 0n;
  assert.deepEqual(
    (await restarted.read(since, 2)).map((e) => e.version + e.path),
    ['v1.0.0example.com/b', 'v1.1.0example.com/a'],
  );
  assert.deepEqual(await restarted.read(T0 + 2n * HOUR, 10), []);
  // Hidden modules do not count against the limit.
  assert.deepEqual(
    (await restarted.read(0n, 2, (p) => p !== 'example.com/b')).map((e) => e.version),
    ['v1.0.0', 'v1.1.0'],
  );
});

test('concurrent appends are coalesced and none is lost', async () => {
  const storage = new MemoryStorage();
  const log = new StoreTimeLog(storage, { writer: 'w', now: () => T0 });
  await Promise.all(
    Array.from({ length: 50 }, (_, i) => log.record(`example.com/m${i}`, 'v1.0.0')),
  );
  const read = await log.read(0n, 2000);
  assert.equal(read.length, 50);
  assert.equal(new Set(read.map((e) => e.timestampNs)).size, 50, 'timestamps are unique');
});

test('the recording storage records a zip the first time it is stored, and nothing else', async () => {
  const inner = new MemoryStorage();
  const log = new StoreTimeLog(inner, { writer: 'w' });
  const storage = new StoreTimeRecording(inner, log);
  const zip = Buffer.from('PK');
  await storage.putBytes('example.com/!foo/@v/v1.0.0.zip', zip);
  await storage.putBytes('example.com/!foo/@v/v1.0.0.zip', zip); // again: not recorded twice
  await storage.putStream('example.com/bar/@v/v2.0.0-pre.zip', Readable.from([zip]), 2);
  await storage.putBytes('example.com/bar/@v/v1.0.0.mod', Buffer.from('module x\n'));
  await storage.putBytes('example.com/bar/@v/list', Buffer.from('v1.0.0\n'));
  const read = await log.read(0n, 10);
  assert.deepEqual(
    read.map((e) => `${e.path}@${e.version}`),
    ['example.com/Foo@v1.0.0', 'example.com/bar@v2.0.0-pre'],
  );
});

test('a zip a read just found missing is recorded without a stat first, once', async () => {
  const inner = new MemoryStorage();
  let stats = 0;
  const counting = Object.assign(Object.create(inner) as MemoryStorage, {
    stat: (key: string, signal?: AbortSignal) => {
      stats++;
      return inner.stat(key, signal);
    },
  });
  const log = new StoreTimeLog(inner, { writer: 'w' });
  const storage = new StoreTimeRecording(counting, log);
  const key = 'example.com/m/@v/v1.0.0.zip';
  assert.equal(await storage.openRead(key), null);
  const afterMiss = stats;
  await storage.putBytes(key, Buffer.from('PK'));
  assert.equal(stats, afterMiss, 'no stat before storing a zip just missed');
  await storage.putBytes(key, Buffer.from('PK')); // again: stats, and is not recorded twice
  assert.equal(stats, afterMiss + 1);
  const read = await log.read(0n, 10);
  assert.deepEqual(
    read.map((e) => `${e.path}@${e.version}`),
    ['example.com/m@v1.0.0'],
  );
});

test('a record that cannot be written is reported and the zip is kept', async () => {
  const inner = new MemoryStorage();
  const failing = new MemoryStorage();
  failing.putBytes = () => Promise.reject(new Error('disk full'));
  const errors: string[] = [];
  const storage = new StoreTimeRecording(
    inner,
    new StoreTimeLog(failing, { writer: 'w' }),
    (key, err) => errors.push(`${key}: ${(err as Error).message}`),
  );
  await storage.putBytes('example.com/m/@v/v1.0.0.zip', Buffer.from('PK'));
  assert.ok(await inner.stat('example.com/m/@v/v1.0.0.zip'));
  await storage.settle();
  assert.deepEqual(errors, ['example.com/m/@v/v1.0.0.zip: disk full']);
});

/** A MemoryStorage counting the writes of the log's objects, which `hold` can keep waiting. */
function countingLogStorage(): {
  storage: MemoryStorage;
  writes: () => number;
  hold: () => () => void;
} {
  const storage = new MemoryStorage();
  const put = storage.putBytes.bind(storage);
  let writes = 0;
  let gate: Promise<void> | undefined;
  storage.putBytes = async (key: string, data: Buffer, signal?: AbortSignal) => {
    if (key.startsWith('index/')) {
      writes++;
      await gate;
    }
    return put(key, data, signal);
  };
  return {
    storage,
    writes: () => writes,
    hold: () => {
      let release = (): void => undefined;
      gate = new Promise((resolve) => (release = resolve));
      return release;
    },
  };
}

test('records stored one after another are gathered into one write of the object', async () => {
  const { storage, writes } = countingLogStorage();
  const log = new StoreTimeLog(storage, { writer: 'w', now: () => T0, delayMs: 60_000 });
  const recording = new StoreTimeRecording(storage, log);
  for (let i = 0; i < 20; i++) {
    // Each write resolves once the zip is stored, before its record is written.
    await recording.putBytes(`example.com/m${i}/@v/v1.0.0.zip`, Buffer.from('PK'));
  }
  assert.equal(writes(), 0, 'nothing written while records are being gathered');
  await recording.settle();
  assert.equal(writes(), 1, 'twenty records, one write');
  assert.equal((await log.read(0n, 100)).length, 20);
  await recording.putBytes('example.com/late/@v/v1.0.0.zip', Buffer.from('PK'));
  assert.equal((await log.read(0n, 100)).length, 21, 'a read includes records not written yet');
  assert.equal(writes(), 2);
});

test('a zip is stored without waiting for a record write in progress', async () => {
  const { storage, writes, hold } = countingLogStorage();
  const log = new StoreTimeLog(storage, { writer: 'w', now: () => T0, delayMs: 0 });
  const recording = new StoreTimeRecording(storage, log);
  await recording.putBytes('example.com/a/@v/v1.0.0.zip', Buffer.from('PK'));
  const release = hold();
  const first = recording.settle(); // the object's write starts, and waits
  assert.equal(writes(), 1);
  await recording.putBytes('example.com/b/@v/v1.0.0.zip', Buffer.from('PK'));
  assert.ok(await storage.stat('example.com/b/@v/v1.0.0.zip'), 'stored while the record waits');
  release();
  await first;
  await recording.close();
  assert.deepEqual(
    (await new StoreTimeLog(storage, { writer: 'r' }).read(0n, 10)).map((e) => e.path),
    ['example.com/a', 'example.com/b'],
    'close wrote the record gathered meanwhile',
  );
});
