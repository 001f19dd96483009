import assert from 'node:assert/strict';
import { test } from 'node:test';
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
