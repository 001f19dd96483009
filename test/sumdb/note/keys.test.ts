// Ports of NewVerifier/NewSigner/GenerateKey/FromEd25519 from x/mod sumdb/note/note_test.go,
// plus the real keys listed in the spec (§6.1).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import {
  type Signer,
  type Verifier,
  generateKey,
  keyHash,
  newEd25519VerifierKey,
  newSigner,
  newVerifier,
} from '../../../src/sumdb/note/index.js';

const peterVkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const peterSkey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';

function isInvalid(err: unknown): boolean {
  return err instanceof ModgateError && err.kind === 'invalid';
}

/** Every strict substring of `key`, and `key` with each byte incremented. */
function manglings(key: string): string[] {
  const b = Buffer.from(key, 'latin1');
  const out: string[] = [];
  for (let i = 0; i <= b.length; i++) {
    for (let j = i + 1; j <= b.length; j++) {
      if (i !== 0 || j !== b.length) out.push(b.subarray(i, j).toString('latin1'));
    }
  }
  for (let i = 0; i < b.length; i++) {
    const c = Buffer.from(b);
    c[i]! += 1;
    out.push(c.toString('latin1'));
  }
  return out;
}

test('newVerifier parses the PeterNeumann key', () => {
  const v = newVerifier(peterVkey);
  assert.equal(v.name, 'PeterNeumann');
  assert.equal(v.keyHash, 0xc74f20a3);
});

test('newVerifier rejects every substring and every one-byte corruption', () => {
  const keys = manglings(peterVkey);
  assert.ok(keys.length > 2000);
  for (const k of keys) assert.throws(() => newVerifier(k), isInvalid, k);
});

test('newVerifier rejects a wrong-length key and an unknown algorithm with adjusted hashes', () => {
  // Hashes recomputed for the altered key data, so only the length / algorithm is wrong.
  const long = 'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==';
  const alg = 'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  assert.throws(() => newVerifier(long), /wrong Ed25519 key length/);
  assert.throws(() => newVerifier(alg), /unknown algorithm/);
});

test('newVerifier accepts an upper-case hash and rejects a mismatched one', () => {
  assert.equal(newVerifier(peterVkey.replace('c74f20a3', 'C74F20A3')).keyHash, 0xc74f20a3);
  assert.throws(() => newVerifier(peterVkey.replace('c74f20a3', 'c74f20a4')), /does not match/);
});

test('newSigner parses the PeterNeumann signer key', () => {
  const s = newSigner(peterSkey);
  assert.equal(s.name, 'PeterNeumann');
  assert.equal(s.keyHash, 0xc74f20a3);
});

test('newSigner rejects every substring and every one-byte corruption', () => {
  for (const k of manglings(peterSkey)) assert.throws(() => newSigner(k), isInvalid, k);
});

test('newSigner error messages never quote the secret key data', () => {
  const secret = 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
  for (const k of manglings(peterSkey)) {
    try {
      newSigner(k);
    } catch (err) {
      assert.ok(!(err as Error).message.includes(secret.slice(4, 20)), (err as Error).message);
    }
  }
});

function checkSignerAndVerifier(name: string, signer: Signer, verifier: Verifier): void {
  assert.equal(signer.name, name);
  assert.equal(verifier.name, name);
  assert.equal(signer.keyHash, verifier.keyHash);
  const msg = Buffer.from('hi');
  const sig = signer.sign(msg);
  assert.equal(verifier.verify(msg, sig), true);
  sig[0]! += 1;
  assert.equal(verifier.verify(msg, sig), false, 'corrupt signature');
  sig[0]! -= 1;
  msg[0]! += 1;
  assert.equal(verifier.verify(msg, sig), false, 'corrupt message');
  assert.equal(verifier.verify(msg, sig.subarray(1)), false, 'short signature');
}

test('generateKey round trip', () => {
  const { signer, verifier } = generateKey('EnochRoot');
  assert.match(signer, /^PRIVATE\+KEY\+EnochRoot\+[0-9a-f]{8}\+/);
  checkSignerAndVerifier('EnochRoot', newSigner(signer), newVerifier(verifier));
});

test('generateKey from the all-zero seed gives the EnochRoot key of the Go tests', () => {
  // example_test.go generates EnochRoot's key from a reader of zeros.
  const { verifier } = generateKey('EnochRoot', Buffer.alloc(32));
  assert.equal(verifier, 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop');
});

test('generateKey rejects bad names and seeds', () => {
  assert.throws(() => generateKey('bad name'), isInvalid);
  assert.throws(() => generateKey('a+b'), isInvalid);
  assert.throws(() => generateKey(''), isInvalid);
  assert.throws(() => generateKey('ok', Buffer.alloc(31)), isInvalid);
});

test('newEd25519VerifierKey matches generateKey and checks the key size', () => {
  const seed = randomBytes(32);
  const { signer, verifier } = generateKey('EnochRoot', seed);
  // The key data is everything after the second '+' (it can contain '+' itself).
  const keydata = verifier.slice(verifier.indexOf('+', verifier.indexOf('+') + 1) + 1);
  const raw = Buffer.from(keydata, 'base64').subarray(1);
  assert.equal(newEd25519VerifierKey('EnochRoot', raw), verifier);
  checkSignerAndVerifier('EnochRoot', newSigner(signer), newVerifier(verifier));
  assert.throws(() => newEd25519VerifierKey('EnochRoot', raw.subarray(1)), isInvalid);
});

test('key names: no white space (Unicode too), no plus, not empty', () => {
  for (const name of ['a b', 'a\tb', 'a\u00a0b', 'a\u2003b', 'a\u3000b', 'a+b', '']) {
    assert.throws(() => generateKey(name), isInvalid, JSON.stringify(name));
  }
  assert.doesNotThrow(() => generateKey('example.com/sumdb\u00e9'));
});

test('sum.golang.org key: split at the first two "+", hash recomputes to 033de0ae', () => {
  const vkey = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
  const v = newVerifier(vkey);
  assert.equal(v.name, 'sum.golang.org');
  assert.equal(v.keyHash, 0x033de0ae);
  const keydata = Buffer.from('Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8', 'base64');
  assert.equal(keyHash('sum.golang.org', keydata), 0x033de0ae);
});

test('test keys from the spec parse, and each signer matches its verifier', () => {
  const pairs: [string, string][] = [
    [peterSkey, peterVkey],
    [
      'PRIVATE+KEY+localhost.localdev/sumdb+00000c67+AXu6+oaVaOYuQOFrf1V59JK1owcFlJcHwwXHDfDGxSPk',
      'localhost.localdev/sumdb+00000c67+AcTrnkbUA+TU4heY3hkjiSES/DSQniBqIeQ/YppAUtK6',
    ],
  ];
  for (const [skey, vkey] of pairs) {
    const v = newVerifier(vkey);
    checkSignerAndVerifier(v.name, newSigner(skey), v);
  }
  assert.equal(
    newVerifier('EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop').keyHash,
    0xaf0cfe78,
  );
});
