import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import {
  DEFAULT_GOSUMDB,
  KNOWN_GOSUMDB,
  defaultSumdb,
  parseGosumdb,
  sumdbNameProblem,
} from '../../../src/sumdb/gosumdb-config.js';
import { generateKey } from '../../../src/sumdb/note/index.js';

const GOLANG_KEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const TEST_KEY = 'localhost.localdev/sumdb+00000c67+AcTrnkbUA+TU4heY3hkjiSES/DSQniBqIeQ/YppAUtK6';

function invalid(pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof ModgateError);
    assert.equal(err.kind, 'invalid');
    assert.match(err.message, pattern);
    return true;
  };
}

describe('parseGosumdb', () => {
  test('the default is sum.golang.org at https://sum.golang.org', () => {
    assert.equal(DEFAULT_GOSUMDB, 'sum.golang.org');
    const db = defaultSumdb();
    assert.equal(db.name, 'sum.golang.org');
    assert.equal(db.key, GOLANG_KEY);
    assert.equal(db.url.href, 'https://sum.golang.org/');
    assert.equal(db.explicitUrl, false);
    assert.equal(db.verifier.keyHash, 0x033de0ae);
    assert.equal(KNOWN_GOSUMDB['sum.golang.org'], GOLANG_KEY);
  });

  test('known name, full key, either with a URL', () => {
    assert.equal(parseGosumdb('sum.golang.org')!.key, GOLANG_KEY);
    assert.equal(parseGosumdb(GOLANG_KEY)!.name, 'sum.golang.org');
    const withUrl = parseGosumdb('sum.golang.org https://mirror.example.com/sumdb/')!;
    assert.equal(withUrl.key, GOLANG_KEY);
    assert.equal(withUrl.url.href, 'https://mirror.example.com/sumdb');
    assert.equal(withUrl.explicitUrl, true);
    const local = parseGosumdb(`  ${TEST_KEY}\thttp://127.0.0.1:8080  `)!;
    assert.equal(local.name, 'localhost.localdev/sumdb');
    assert.equal(local.url.href, 'http://127.0.0.1:8080/');
    const byKey = parseGosumdb(TEST_KEY)!;
    assert.equal(byKey.url.href, 'https://localhost.localdev/sumdb');
  });

  test('sum.golang.google.cn is sum.golang.org served from China', () => {
    const db = parseGosumdb('sum.golang.google.cn')!;
    assert.equal(db.name, 'sum.golang.org');
    assert.equal(db.key, GOLANG_KEY);
    assert.equal(db.url.href, 'https://sum.golang.google.cn/');
    assert.equal(db.explicitUrl, true);
  });

  test('off', () => {
    assert.equal(parseGosumdb('off'), null);
    assert.equal(parseGosumdb(' off '), null);
  });

  test('errors name the value and the reason', () => {
    assert.throws(() => parseGosumdb(''), invalid(/missing GOSUMDB/));
    assert.throws(() => parseGosumdb('a b c'), invalid(/too many fields/));
    assert.throws(
      () => parseGosumdb('sum.example.com'),
      invalid(/unknown checksum database "sum\.example\.com": give its verifier key/),
    );
    assert.throws(
      () => parseGosumdb('sum.golang.org+033de0af+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8'),
      invalid(/^invalid GOSUMDB ".*": invalid verifier key sum\.golang\.org\+033de0af/),
    );
    assert.throws(
      () => parseGosumdb('sum.golang.org+033de0ae+notbase64!'),
      invalid(/malformed verifier key/),
    );
    assert.throws(() => parseGosumdb('sum.golang.org ftp://x'), invalid(/only http and https/));
    assert.throws(() => parseGosumdb('sum.golang.org not-a-url'), invalid(/not an absolute URL/));
    assert.throws(
      () => parseGosumdb('sum.golang.org https://x/?a=b'),
      invalid(/no query or fragment/),
    );
    assert.throws(
      () => parseGosumdb('sum.golang.org https://user:secret@x/#f'),
      (err: unknown) => err instanceof ModgateError && !err.message.includes('secret'),
    );
  });

  test('database names must be bare host[/path]', () => {
    for (const bad of [
      'example.com/',
      '/path',
      'example.com//x',
      'user@example.com',
      'ex%41.com',
      'example.com/.x',
      'example.com?x',
      'example.com#x',
    ]) {
      assert.notEqual(sumdbNameProblem(bad), undefined, bad);
    }
    for (const good of [
      'sum.golang.org',
      'localhost.localdev/sumdb',
      'example.com:8443/a/b',
      'Sum.Example.COM',
      '[::1]:8080',
    ]) {
      assert.equal(sumdbNameProblem(good), undefined, good);
    }
    const key = generateKey('example.com/');
    assert.throws(
      () => parseGosumdb(key.verifier),
      invalid(/invalid sumdb name "example\.com\/" \(must be host\[\/path\]\): it ends in "\/"/),
    );
    assert.throws(
      () => parseGosumdb(generateKey('a?b').verifier),
      invalid(/must be host\[\/path\]/),
    );
  });
});
