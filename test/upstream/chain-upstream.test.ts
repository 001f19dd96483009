import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Readable } from 'node:stream';
import { ModgateError } from '../../src/errors/index.js';
import { ChainUpstream, OffUpstream } from '../../src/upstream/chain-upstream.js';
import type { RevInfo, Upstream, ZipSource } from '../../src/upstream/upstream.js';

/** An upstream that answers `list` with a fixed result and counts calls. */
class Fake implements Upstream {
  calls = 0;
  constructor(
    readonly description: string,
    private readonly answer: string[] | ModgateError,
  ) {}
  list(): Promise<string[]> {
    this.calls++;
    return this.answer instanceof ModgateError
      ? Promise.reject(this.answer)
      : Promise.resolve(this.answer);
  }
  info(): Promise<RevInfo> {
    return Promise.reject(new Error('unused'));
  }
  latest(): Promise<RevInfo> {
    return Promise.reject(new Error('unused'));
  }
  mod(): Promise<Buffer> {
    return Promise.reject(new Error('unused'));
  }
  zip(): Promise<ZipSource> {
    return Promise.reject(new Error('unused'));
  }
}

const nf = (m: string) => new ModgateError('not-found', m);
const gone = (m: string) => new ModgateError('gone', m);
const bad = (m: string) => new ModgateError('upstream', m);
const ctx = {};

test('"," falls through on not-found only', async () => {
  const a = new Fake('a', nf('a404'));
  const b = new Fake('b', ['v1.0.0']);
  assert.deepEqual(
    await new ChainUpstream([
      { upstream: a, fallbackOnAnyError: false },
      { upstream: b, fallbackOnAnyError: false },
    ]).list('m', ctx),
    ['v1.0.0'],
  );
  const c = new Fake('c', bad('c502'));
  const d = new Fake('d', ['v1.0.0']);
  await assert.rejects(
    new ChainUpstream([
      { upstream: c, fallbackOnAnyError: false },
      { upstream: d, fallbackOnAnyError: false },
    ]).list('m', ctx),
    /c502/,
  );
  assert.equal(d.calls, 0);
});

test('"|" falls through on any error', async () => {
  const a = new Fake('a', bad('a502'));
  const b = new Fake('b', ['v1.0.0']);
  const chain = new ChainUpstream([
    { upstream: a, fallbackOnAnyError: true },
    { upstream: b, fallbackOnAnyError: false },
  ]);
  assert.deepEqual(await chain.list('m', ctx), ['v1.0.0']);
  assert.equal(chain.description, 'a|b');
});

test('the most useful error is reported: first real failure, else the last not-found', async () => {
  const chain1 = new ChainUpstream([
    { upstream: new Fake('a', nf('a404')), fallbackOnAnyError: false },
    { upstream: new Fake('b', gone('b410')), fallbackOnAnyError: false },
  ]);
  await assert.rejects(chain1.list('m', ctx), /b410/);
  const chain2 = new ChainUpstream([
    { upstream: new Fake('a', bad('a502')), fallbackOnAnyError: true },
    { upstream: new Fake('b', nf('b404')), fallbackOnAnyError: false },
  ]);
  await assert.rejects(chain2.list('m', ctx), /a502/);
});

test('off is not-found, so a later entry can still answer', async () => {
  const off = new OffUpstream();
  await assert.rejects(
    off.list('m'),
    (e: ModgateError) => e.kind === 'not-found' && /disabled/.test(e.message),
  );
});

/** An upstream whose zip answers with a fixed stream (or error) and counts calls. */
class ZipFake extends Fake {
  zips = 0;
  constructor(
    description: string,
    private readonly zipAnswer: string | ModgateError,
  ) {
    super(description, []);
  }
  override zip(): Promise<ZipSource> {
    this.zips++;
    if (this.zipAnswer instanceof ModgateError) return Promise.reject(this.zipAnswer);
    return Promise.resolve({ stream: Readable.from([Buffer.from(this.zipAnswer)]) });
  }
}

test('a zip answered by an entry followed by "|" carries a fallback to the entries after it', async () => {
  const a = new ZipFake('a', 'from-a');
  const b = new ZipFake('b', nf('b404'));
  const c = new ZipFake('c', 'from-c');
  const chain = new ChainUpstream([
    { upstream: a, fallbackOnAnyError: true },
    { upstream: b, fallbackOnAnyError: false },
    { upstream: c, fallbackOnAnyError: false },
  ]);
  const first = await chain.zip('m', 'v1.0.0', ctx);
  assert.equal(String((await first.stream.toArray())[0]), 'from-a');
  assert.ok(first.fallback, '"|" after a: a fallback');
  assert.equal(b.zips, 0, 'the fallback is opened only when called');
  const second = await first.fallback();
  assert.equal(String((await second.stream.toArray())[0]), 'from-c', 'b 404 falls through to c');
  assert.equal(second.fallback, undefined, 'c is followed by "," (or nothing): no fallback');
  assert.equal(b.zips, 1);
});

test('a zip answered by an entry followed by "," has no fallback', async () => {
  const chain = new ChainUpstream([
    { upstream: new ZipFake('a', 'from-a'), fallbackOnAnyError: false },
    { upstream: new ZipFake('b', 'from-b'), fallbackOnAnyError: false },
  ]);
  assert.equal((await chain.zip('m', 'v1.0.0', ctx)).fallback, undefined);
});

test('a fallback whose entries all fail rejects with their error', async () => {
  const chain = new ChainUpstream([
    { upstream: new ZipFake('a', 'from-a'), fallbackOnAnyError: true },
    { upstream: new ZipFake('b', bad('b502')), fallbackOnAnyError: false },
  ]);
  const first = await chain.zip('m', 'v1.0.0', ctx);
  assert.ok(first.fallback);
  await assert.rejects(first.fallback(), /b502/);
});
