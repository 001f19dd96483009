// Ports of TestSign, TestVerifierList, TestOpen (x/mod sumdb/note/note_test.go) and the
// examples in example_test.go, plus the real sum.golang.org checkpoint (spec §6.2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../../src/errors/index.js';
import {
  type Signature,
  type Signer,
  type Verifier,
  type Verifiers,
  UnverifiedNoteError,
  generateKey,
  newSigner,
  newVerifier,
  open,
  sign,
  verifierList,
} from '../../../src/sumdb/note/index.js';

const peterKey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const peterSkey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const enochKey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';

const text =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const peterSig =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const enochSig =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const peter: Signature = {
  name: 'PeterNeumann',
  hash: 0xc74f20a3,
  base64:
    'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=',
};
const enoch: Signature = {
  name: 'EnochRoot',
  hash: 0xaf0cfe78,
  base64:
    'rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=',
};

const peterVerifier = newVerifier(peterKey);
const enochVerifier = newVerifier(enochKey);

/** Go's sig[:60] + "ABCD" + sig[60:], where 60 counts bytes (the em dash has three). */
function corruptAt60(sig: string): string {
  const b = Buffer.from(sig);
  return b.subarray(0, 60).toString() + 'ABCD' + b.subarray(60).toString();
}

function kind(k: string, message?: RegExp) {
  return (err: unknown) =>
    err instanceof ModgateError && err.kind === k && (message ? message.test(err.message) : true);
}

test('sign: golden message (ExampleSign)', () => {
  const msg = sign({ text }, [newSigner(peterSkey)]);
  assert.equal(msg.toString(), text + '\n' + peterSig);
});

test('sign: an existing signature by the same key is replaced', () => {
  const signer = newSigner(peterSkey);
  const old: Signature = { name: 'PeterNeumann', hash: 0xc74f20a3, base64: 'BADSIGN=' };
  assert.equal(sign({ text, sigs: [old] }, [signer]).toString(), text + '\n' + peterSig);
});

test('sign: adding a signature keeps the existing one first (ExampleSign_add_signatures)', () => {
  const n = open(text + '\n' + peterSig, verifierList(peterVerifier));
  const { signer } = generateKey('EnochRoot', Buffer.alloc(32));
  const msg = sign(n, [newSigner(signer)]);
  assert.equal(msg.toString(), text + '\n' + peterSig + enochSig);
});

test('sign: bad inputs', () => {
  const signer = newSigner(peterSkey);
  assert.throws(() => sign({ text: 'abc' }, [signer]), kind('invalid', /^malformed note/));
  assert.throws(
    () => sign({ text, sigs: [{ name: 'a+b', hash: 0, base64: 'ABCD' }] }, []),
    kind('invalid', /^malformed note/),
  );
  assert.throws(
    () =>
      sign({ text, sigs: [{ name: 'PeterNeumann', hash: 0xc74f20a3, base64: 'BADHASH=' }] }, []),
    kind('invalid', /^malformed note/),
  );
  const badSigner: Signer = {
    name: 'bad name',
    keyHash: signer.keyHash,
    sign: (m) => signer.sign(m),
  };
  assert.throws(() => sign({ text }, [badSigner]), kind('invalid', /^invalid signer/));
  const surprise = new Error('surprise!');
  const errSigner: Signer = {
    name: signer.name,
    keyHash: signer.keyHash,
    sign: () => {
      throw surprise;
    },
  };
  assert.throws(
    () => sign({ text }, [errSigner]),
    (err) => err === surprise,
  );
  assert.throws(() => sign({ text: 'a\x01b\n' }, [signer]), kind('invalid'));
});

test('verifierList: known, unknown and ambiguous keys', () => {
  const list = verifierList(peterVerifier, enochVerifier, enochVerifier);
  assert.equal(list.verifier('PeterNeumann', 0xc74f20a3), peterVerifier);
  assert.equal(list.verifier('PeterNeumann', 0xc74f20a4), undefined);
  assert.equal(list.verifier('PeterNeuman', 0xc74f20a3), undefined);
  assert.throws(
    () => list.verifier('EnochRoot', 0xaf0cfe78),
    kind('invalid', /^ambiguous key EnochRoot\+af0cfe78$/),
  );
});

test('open: one verified, one unverified (ExampleOpen)', () => {
  const n = open(Buffer.from(text + '\n' + peterSig + enochSig), verifierList(peterVerifier));
  assert.equal(n.text, text);
  assert.deepEqual(n.sigs, [peter]);
  assert.deepEqual(n.unverifiedSigs, [enoch]);
});

test('open: both verified', () => {
  const n = open(text + '\n' + peterSig + enochSig, verifierList(peterVerifier, enochVerifier));
  assert.deepEqual(n.sigs, [peter, enoch]);
  assert.deepEqual(n.unverifiedSigs, []);
});

test('open: no known key gives UnverifiedNoteError carrying the note', () => {
  let caught: unknown;
  try {
    open(text + '\n' + peterSig + enochSig, verifierList());
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof UnverifiedNoteError);
  assert.equal(caught.kind, 'checksum');
  assert.equal(caught.message, 'note has no verifiable signatures');
  assert.deepEqual(caught.note.sigs, []);
  assert.deepEqual(caught.note.unverifiedSigs, [peter, enoch]);
  assert.equal(caught.note.text, text);
});

test('open: a duplicated verifier fails only when its key is used', () => {
  const list = verifierList(enochVerifier, peterVerifier, enochVerifier);
  assert.throws(() => open(text + '\n' + enochSig, list), kind('invalid', /ambiguous key/));
  assert.doesNotThrow(() => open(text + '\n' + peterSig, list));
});

test('open: at most 100 signatures, verified or not', () => {
  assert.throws(
    () => open(text + '\n' + peterSig.repeat(101), verifierList(peterVerifier)),
    kind('invalid', /^malformed note/),
  );
  assert.throws(
    () => open(text + '\n' + peterSig.repeat(101), verifierList()),
    kind('invalid', /^malformed note/),
  );
  assert.deepEqual(open(text + '\n' + peterSig.repeat(100), verifierList(peterVerifier)).sigs, [
    peter,
  ]);
});

test('open: a known key with a bad signature is an error', () => {
  const bad = text + '\n' + corruptAt60(peterSig);
  assert.throws(
    () => open(bad, verifierList(peterVerifier)),
    kind('checksum', /^invalid signature for key PeterNeumann\+c74f20a3$/),
  );
});

test('open: duplicated verified and unverified signatures are dropped', () => {
  const enochABCD: Signature = {
    name: 'EnochRoot',
    hash: 0xaf0cfe78,
    base64:
      'rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n' +
      'ABCD' +
      '2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=',
  };
  const msg = text + '\n' + peterSig + peterSig + enochSig + enochSig + corruptAt60(enochSig);
  const n = open(msg, verifierList(peterVerifier));
  assert.deepEqual(n.sigs, [peter]);
  assert.deepEqual(n.unverifiedSigs, [enoch, enochABCD]);
});

test('open: malformed messages', () => {
  const badMsgs: (string | Buffer)[] = [
    text,
    text + '\n',
    text + '\n' + peterSig.slice(0, -1),
    '\x01' + text + '\n' + peterSig,
    Buffer.concat([Buffer.of(0xff), Buffer.from(text + '\n' + peterSig)]),
    text +
      '\n' +
      '— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=',
    text + '\n' + peterSig + 'Unexpected line.\n',
    // Beyond the Go table: CR, a short signature, no base64, an overlong UTF-8 sequence.
    text + '\n' + peterSig.replace('\n', '\r\n'),
    text + '\n' + '— PeterNeumann AAAA\n',
    text + '\n' + '— PeterNeumann\n',
    Buffer.concat([Buffer.of(0xc0, 0xaf), Buffer.from(text + '\n' + peterSig)]),
  ];
  for (const msg of badMsgs) {
    assert.throws(
      () => open(msg, verifierList(peterVerifier)),
      kind('invalid', /^malformed note/),
      JSON.stringify(msg.toString()),
    );
  }
});

test('open: the text ends at the last blank line, so it may contain blank lines', () => {
  const t = 'para one\n\npara two\n';
  const msg = sign({ text: t }, [newSigner(peterSkey)]);
  assert.equal(open(msg, verifierList(peterVerifier)).text, t);
});

test('open: a Verifiers returning the wrong verifier is an internal error', () => {
  const fixed: Verifiers = { verifier: (): Verifier => peterVerifier };
  const misnamed = peterSig.replaceAll('PeterNeumann', 'CarmenSandiego');
  assert.throws(() => open(text + '\n' + misnamed, fixed), kind('internal'));
  const wrongHash = peterSig.replaceAll('x08g', 'xxxx');
  assert.throws(() => open(text + '\n' + wrongHash, fixed), kind('internal'));
});

test('open: the real sum.golang.org checkpoint verifies with its key', () => {
  const vkey = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
  const checkpoint =
    'go.sum database tree\n' +
    '1514086\n' +
    'kn9DgqDhXzoZMM8828SQsbuovr/WRn7QfFd5Qe1rpwA=\n' +
    '\n' +
    '— sum.golang.org Az3grunuggF5mKymPJeK/l9Pq71lOg/rAVkQVCzGkWRJcnS3ZFunzveHr9PAH8LFsuhpcCWzGDNrn9FFDyXm/66tBg8=\n';
  const n = open(checkpoint, verifierList(newVerifier(vkey)));
  assert.equal(n.sigs.length, 1);
  assert.equal(n.sigs[0]!.hash, 0x033de0ae);
  assert.equal(
    n.text,
    'go.sum database tree\n1514086\nkn9DgqDhXzoZMM8828SQsbuovr/WRn7QfFd5Qe1rpwA=\n',
  );
  // One changed digit in the size breaks the signature.
  assert.throws(
    () => open(checkpoint.replace('1514086', '1514087'), verifierList(newVerifier(vkey))),
    kind('checksum'),
  );
});
