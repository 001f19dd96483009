// The `.info` JSON (cmd/go modfetch.RevInfo as encoding/json writes it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import {
  formatInfoJson,
  goTimeString,
  infoOriginHash,
  parseInfoJson,
} from '../../src/protocol/info-json.js';

const hash40 = '0123456789abcdef0123456789abcdef01234567';

test('formatInfoJson writes Go field order and spelling, Origin only with fields', () => {
  const t = new Date('2024-01-02T03:04:05Z');
  assert.equal(formatInfoJson('v1.0.0', t), '{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z"}');
  assert.equal(
    formatInfoJson('v1.0.0', t, {}),
    '{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z"}',
  );
  assert.equal(
    formatInfoJson('v1.0.0', t, {
      hash: hash40,
      ref: 'refs/tags/v1.0.0',
      subdir: 'sub',
      url: 'https://git.example/r',
      vcs: 'git',
    }),
    '{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z","Origin":{"VCS":"git","URL":"https://git.example/r","Subdir":"sub","Ref":"refs/tags/v1.0.0","Hash":"' +
      hash40 +
      '"}}',
  );
});

test('goTimeString is time.Time JSON in UTC (RFC3339Nano, trailing zeros dropped)', () => {
  assert.equal(goTimeString(new Date('2006-01-02T15:04:05Z')), '2006-01-02T15:04:05Z');
  assert.equal(goTimeString(new Date('2006-01-02T15:04:05.500Z')), '2006-01-02T15:04:05.5Z');
  assert.equal(goTimeString(new Date('2006-01-02T16:04:05+01:00')), '2006-01-02T15:04:05Z');
});

test('parseInfoJson accepts what the go command writes and reads back formatInfoJson', () => {
  const raw = Buffer.from(
    formatInfoJson('v1.2.3', new Date('2024-01-02T03:04:05.25Z'), {
      vcs: 'git',
      hash: hash40,
    }),
  );
  assert.deepEqual(parseInfoJson(raw, 'x'), {
    version: 'v1.2.3',
    time: '2024-01-02T03:04:05.25Z',
  });
  assert.deepEqual(
    parseInfoJson(Buffer.from('{"Version":"v0.0.0-20240102030405-abcdefabcdef"}'), 'x'),
    {
      version: 'v0.0.0-20240102030405-abcdefabcdef',
    },
  );
  assert.deepEqual(
    parseInfoJson(Buffer.from('{"Version":"v1.0.0","Time":"2024-01-02T03:04:05+02:00"}'), 'x'),
    { version: 'v1.0.0', time: '2024-01-02T03:04:05+02:00' },
  );
});

test('parseInfoJson refuses bodies that are not a valid .info, naming the label', () => {
  const bad: ReadonlyArray<readonly [string, RegExp]> = [
    ['<html>', /u\.example: invalid \.info JSON/],
    ['[]', /not a JSON object/],
    ['null', /not a JSON object/],
    ['{}', /has no Version/],
    ['{"Version":1}', /has no Version/],
    ['{"Version":"v1.0"}', /"v1\.0" is not canonical/],
    ['{"Version":"master"}', /is not canonical/],
    ['{"Version":"v1.0.0","Time":"yesterday"}', /Time is not an RFC 3339/],
    ['{"Version":"v1.0.0","Time":5}', /Time is not an RFC 3339/],
  ];
  for (const [body, message] of bad) {
    assert.throws(
      () => parseInfoJson(Buffer.from(body), 'u.example'),
      (err: unknown) =>
        err instanceof ModgateError && err.kind === 'upstream' && message.test(err.message),
      body,
    );
  }
});

test('infoOriginHash: the recorded commit, or undefined', () => {
  const info = (origin: unknown) =>
    Buffer.from(JSON.stringify({ Version: 'v1.0.0', Origin: origin }));
  assert.equal(infoOriginHash(info({ Hash: hash40 })), hash40);
  const hash64 = hash40 + '0123456789abcdef01234567';
  assert.equal(infoOriginHash(info({ VCS: 'git', Hash: hash64 })), hash64);
  assert.equal(infoOriginHash(info({ Hash: hash40.toUpperCase() })), undefined);
  assert.equal(infoOriginHash(info({ Hash: 'abc' })), undefined);
  assert.equal(infoOriginHash(info({ Hash: 42 })), undefined);
  assert.equal(infoOriginHash(info(null)), undefined);
  assert.equal(infoOriginHash(Buffer.from('{"Version":"v1.0.0"}')), undefined);
  assert.equal(infoOriginHash(Buffer.from('null')), undefined);
  assert.equal(infoOriginHash(Buffer.from('not json')), undefined);
});
