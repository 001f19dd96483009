import assert from 'node:assert/strict';
import { ModgateError } from '../../src/errors/index.js';
import type { StorageTest } from './compliance.js';
import { readAll, pattern } from './stream-helpers.js';

const LIST = 'example.com/!my!mod/@v/list';
const INFO = 'example.com/!my!mod/@v/v1.0.0.info';
const ZIP = 'example.com/!my!mod/@v/v1.0.0.zip';

/** Reads, whole-value writes, stat and etags, delete, list, readiness, aborts. */
export function basicsCompliance(storageTest: StorageTest): void {
  storageTest('describes itself', async (s) => {
    assert.equal(typeof s.description, 'string');
    assert.notEqual(s.description, '');
    await s.checkReady();
  });

  storageTest('missing keys read as null, not as errors', async (s) => {
    assert.equal(await s.getBytes(INFO), null);
    assert.equal(await s.stat(INFO), null);
    assert.equal(await s.openRead(ZIP), null);
    assert.equal(await s.openRead(ZIP, { start: 0, end: 10 }), null);
    assert.deepEqual(await s.list(''), []);
    assert.deepEqual(await s.list('example.com/'), []);
  });

  storageTest('a key below a stored file, or above one, reads as missing', async (s) => {
    await s.putBytes('a.com/m/@v/list', Buffer.from('v1.0.0\n'));
    for (const key of ['a.com/m/@v/list/x', 'a.com/m/@v', 'a.com/m']) {
      assert.equal(await s.getBytes(key), null, key);
      assert.equal(await s.stat(key), null, key);
      assert.equal(await s.openRead(key), null, key);
      await s.delete(key);
    }
    assert.deepEqual(await s.list('a.com/m/@v/list/'), []);
    assert.deepEqual(await s.getBytes('a.com/m/@v/list'), Buffer.from('v1.0.0\n'));
  });

  storageTest('putBytes then getBytes returns the same bytes', async (s) => {
    const keys = {
      [INFO]: Buffer.from('{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z"}'),
      'github.com/!burnt!sushi/toml/@v/v1.2.3-0.20200101000000-abcdef123456+incompatible.mod':
        Buffer.from('module github.com/BurntSushi/toml\n'),
      'golang.org/x/text/@latest': Buffer.from('{"Version":"v0.14.0"}'),
      'sumdb/sum.golang.org/tile/8/0/x001/234.p/5': pattern(256),
      'example.com/m/@v/v1.0.0~rc.1.zip': pattern(70_000, 7),
      'example.com/empty/@v/list': Buffer.alloc(0),
    };
    for (const [key, data] of Object.entries(keys)) await s.putBytes(key, data);
    for (const [key, data] of Object.entries(keys)) {
      assert.deepEqual(await s.getBytes(key), data, key);
      assert.equal((await s.stat(key))?.size, data.length, key);
      const read = await s.openRead(key);
      assert.ok(read, key);
      assert.deepEqual(await readAll(read.stream), data, key);
    }
  });

  storageTest(
    'stored values are copies: mutating buffers afterwards changes nothing',
    async (s) => {
      const data = Buffer.from('module example.com/m\n');
      await s.putBytes(INFO, data);
      data.fill(0);
      const got = await s.getBytes(INFO);
      assert.deepEqual(got, Buffer.from('module example.com/m\n'));
      got?.fill(0);
      assert.deepEqual(await s.getBytes(INFO), Buffer.from('module example.com/m\n'));
    },
  );

  storageTest('overwrite replaces the whole value, longer or shorter', async (s) => {
    await s.putBytes(LIST, Buffer.from('v1.0.0\nv1.1.0\n'));
    await s.putBytes(LIST, Buffer.from('v2\n'));
    assert.deepEqual(await s.getBytes(LIST), Buffer.from('v2\n'));
    await s.putBytes(LIST, pattern(5000));
    assert.deepEqual(await s.getBytes(LIST), pattern(5000));
    assert.equal((await s.stat(LIST))?.size, 5000);
  });

  storageTest('stat gives size, time and a strong etag that changes on every write', async (s) => {
    const before = Date.now();
    await s.putBytes(LIST, Buffer.from('v1.0.0\n'));
    const first = await s.stat(LIST);
    assert.ok(first);
    assert.equal(first.size, 7);
    assert.ok(first.modified instanceof Date);
    assert.ok(first.modified.getTime() >= before - 5000, 'modified is about now');
    assert.match(first.etag, /^"[^"]+"$/, 'a strong, quoted etag');
    assert.deepEqual(await s.stat(LIST), first, 'stable while nothing is written');
    const read = await s.openRead(LIST);
    assert.equal(read?.stat.etag, first.etag, 'openRead reports the same etag');
    read?.stream.destroy();

    await s.putBytes(LIST, Buffer.from('v1.0.0\n')); // same bytes, same size
    const second = await s.stat(LIST);
    assert.notEqual(second?.etag, first.etag, 'a rewrite changes the etag');

    await s.putBytes(LIST, Buffer.from('v1.0.1\n'));
    const third = await s.stat(LIST);
    assert.notEqual(third?.etag, second?.etag);
    assert.notEqual(third?.etag, first.etag);
  });

  storageTest('delete removes one key; deleting a missing key is fine', async (s) => {
    await s.putBytes(INFO, Buffer.from('{}'));
    await s.putBytes(LIST, Buffer.from('v1.0.0\n'));
    await s.delete(INFO);
    assert.equal(await s.getBytes(INFO), null);
    assert.equal(await s.stat(INFO), null);
    assert.deepEqual(await s.getBytes(LIST), Buffer.from('v1.0.0\n'));
    await s.delete(INFO);
    await s.delete('never/stored');
    assert.deepEqual(await s.list(''), [LIST]);
    await s.putBytes(INFO, Buffer.from('{"Version":"v1.0.0"}'));
    assert.deepEqual(await s.getBytes(INFO), Buffer.from('{"Version":"v1.0.0"}'));
  });

  storageTest('list returns the keys under a prefix, sorted by bytes', async (s) => {
    const keys = [
      'b.com/x/@latest',
      'a.com/m2/@v/list',
      'a.com/m/sub/@v/list',
      'a.com/m/@v/v1.0.0.info',
      'a.com/m/@v/list',
      'a.com/m/@v/v1.0.0.zip',
      'a.com/m-x/@v/list',
      'a.com/m/@v/v1.0.0+incompatible.mod',
    ];
    for (const key of keys) await s.putBytes(key, Buffer.from(key));
    const bytesOrder = (list: string[]) =>
      [...list].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    assert.deepEqual(await s.list(''), bytesOrder(keys));
    assert.deepEqual(await s.list('a.com/m/'), [
      'a.com/m/@v/list',
      'a.com/m/@v/v1.0.0+incompatible.mod',
      'a.com/m/@v/v1.0.0.info',
      'a.com/m/@v/v1.0.0.zip',
      'a.com/m/sub/@v/list',
    ]);
    assert.deepEqual(await s.list('a.com/m/@v/'), [
      'a.com/m/@v/list',
      'a.com/m/@v/v1.0.0+incompatible.mod',
      'a.com/m/@v/v1.0.0.info',
      'a.com/m/@v/v1.0.0.zip',
    ]);
    assert.deepEqual(await s.list('b.com/'), ['b.com/x/@latest']);
    assert.deepEqual(await s.list('c.com/'), []);
    assert.deepEqual(await s.list('a.com/m/@v/list/'), []);
    await assert.rejects(s.list('a.com/m'), isInvalid, 'a prefix must end in /');
  });

  storageTest(
    'an aborted signal rejects every call with its reason, touching nothing',
    async (s) => {
      await s.putBytes(INFO, Buffer.from('old'));
      const controller = new AbortController();
      const reason = new Error('client went away');
      controller.abort(reason);
      const { signal } = controller;
      const isReason = (err: unknown) => err === reason;
      await assert.rejects(s.getBytes(INFO, signal), isReason);
      await assert.rejects(s.putBytes(INFO, Buffer.from('new'), signal), isReason);
      await assert.rejects(s.putBytes(LIST, Buffer.from('new'), signal), isReason);
      await assert.rejects(s.stat(INFO, signal), isReason);
      await assert.rejects(s.openRead(INFO, undefined, signal), isReason);
      await assert.rejects(s.delete(INFO, signal), isReason);
      await assert.rejects(s.list('', signal), isReason);
      await assert.rejects(s.checkReady(signal), isReason);
      assert.deepEqual(await s.getBytes(INFO), Buffer.from('old'));
      assert.deepEqual(await s.list(''), [INFO]);
    },
  );

  storageTest('an abort during a read destroys the read stream', async (s) => {
    await s.putBytes(ZIP, pattern(300_000));
    const controller = new AbortController();
    const read = await s.openRead(ZIP, undefined, controller.signal);
    assert.ok(read);
    controller.abort();
    await assert.rejects(readAll(read.stream), (err: Error) => err.name === 'AbortError');
  });
}

export function isInvalid(err: unknown): boolean {
  return err instanceof ModgateError && err.kind === 'invalid';
}
