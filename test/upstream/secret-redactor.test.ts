import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SecretRedactor } from '../../src/upstream/secret-redactor.js';

const USER = 'alice';
const PASS = 'p@ss w/rd+1';
const PAIR = `${USER}:${PASS}`;
const B64 = Buffer.from(PAIR).toString('base64');

/** Every form of alice's credentials a page might echo. */
const FORMS = [
  PASS,
  PAIR,
  `Basic ${B64}`,
  B64,
  B64.replace(/=+$/, ''),
  Buffer.from(PAIR).toString('base64url'),
  B64.replace(/\//g, '\\/'),
  encodeURIComponent(PASS),
  encodeURIComponent(PASS).toLowerCase(),
  `${USER}:${encodeURIComponent(PASS)}`,
  new URLSearchParams([['p', PASS]]).toString().slice(2),
];

function assertClean(out: string, secrets: string[]): void {
  for (const s of secrets) assert.ok(!out.includes(s), `${JSON.stringify(s)} left in ${out}`);
}

test('every form of known credentials is replaced', () => {
  const r = SecretRedactor.forCredentials(USER, PASS);
  for (const form of FORMS) {
    const out = r.redact(`before ${form} after`);
    assert.equal(out, 'before [redacted] after', form);
  }
  // The user name alone is not a secret.
  assert.equal(r.redact('user alice is not allowed'), 'user alice is not allowed');
});

test('an Authorization header value that was sent yields the same forms', () => {
  const r = SecretRedactor.forAuthorization(`Basic ${B64}`);
  for (const form of FORMS) assertClean(r.redact(`x ${form} y`), [form, PASS]);
  const bearer = SecretRedactor.forAuthorization('Bearer ghp_abcdef0123456789');
  assert.equal(bearer.redact('token was ghp_abcdef0123456789.'), 'token was [redacted].');
});

test('a URL userinfo is read as written (percent-encoded) and a token-only user is secret', () => {
  const url = new URL('https://proxy.example/');
  url.username = USER;
  url.password = PASS;
  assertClean(SecretRedactor.forUrl(url).redact(FORMS.join(' | ')), [PASS, B64]);
  const tokenOnly = SecretRedactor.forUrl(new URL('https://tok3n-abcdef@proxy.example/'));
  assert.equal(tokenOnly.redact('hello tok3n-abcdef'), 'hello [redacted]');
  assert.equal(SecretRedactor.forUrl(new URL('https://proxy.example/')), SecretRedactor.none);
});

test('header lines and credential-shaped values go even when the secret is unknown', () => {
  const r = SecretRedactor.none;
  assert.equal(
    r.redact('Authorization: Basic Ym9iOmh1bnRlcjI=\nnext line'),
    'Authorization: [redacted]\nnext line',
  );
  assert.equal(r.redact('proxy-authorization = Negotiate abc'), 'proxy-authorization = [redacted]');
  assert.equal(
    r.redact('{"Authorization":"Bearer abc.def","Accept":"*/*"}'),
    '{"Authorization":"[redacted]","Accept":"*/*"}',
  );
  assert.equal(r.redact('seen: Basic Ym9iOmh1bnRlcjI='), 'seen: Basic [redacted]');
  // base64 of "bob:pw" is letters only, yet decodes to user:password.
  assert.equal(r.redact('Basic Ym9iOnB3'), 'Basic [redacted]');
  assert.equal(r.redact('got bearer eyJhbGciOiJIUzI1NiJ9.e30.x'), 'got bearer [redacted]');
  // Prose stays.
  for (const prose of [
    'Basic authentication required',
    '401 Authorization Required',
    'the bearer of bad news',
    'token expired',
  ]) {
    assert.equal(r.redact(prose), prose);
  }
});

test('a secret too short to replace in place drops the text that contains it', () => {
  const r = SecretRedactor.forCredentials('bob', 'pw');
  assert.equal(r.redact('wrong pw for bob'), '[redacted]');
  assert.equal(r.redact('nothing to see'), 'nothing to see');
});

test('excerpt: one line, no control characters, bounded, secrets gone before the cut', () => {
  const r = SecretRedactor.forCredentials(USER, PASS);
  assert.equal(r.excerpt(Buffer.alloc(0)), '');
  assert.equal(r.excerpt('  \n\t\n'), '');
  assert.equal(
    r.excerpt('line one\r\n\x1b[31mline\x07 two\u202e\n\n  three  '),
    'line one / [31mline two / three',
  );
  // A header line is redacted to its end, not past it into the next line.
  assert.equal(
    SecretRedactor.none.excerpt('Denied\nAuthorization: Basic Ym9iOmh1bnRlcjI=\nsee the docs'),
    'Denied / Authorization: [redacted] / see the docs',
  );
  // A control character inside a secret does not hide it.
  assert.equal(r.excerpt(`a ${PASS.slice(0, 4)}\x00${PASS.slice(4)} b`), 'a [redacted] b');
  // At the cut: the secret is replaced first, so no prefix of it survives.
  const long = 'x'.repeat(290) + B64 + 'y'.repeat(100);
  const out = r.excerpt(long, 300);
  assert.ok(out.length <= 300, String(out.length));
  assert.ok(out.endsWith('...'));
  assert.ok(!out.includes(B64.slice(0, 6)), out);
  assert.equal(r.excerpt('z'.repeat(1000)).length, 300);
});
