// HTTP Basic auth as net/http builds it from url.URL.User (percent-decoded userinfo).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import { basicAuthorization, urlCredentials, urlUserinfo } from '../../src/protocol/basic-auth.js';

const basic = (userPass: string) => 'Basic ' + Buffer.from(userPass, 'utf8').toString('base64');

test('basicAuthorization: RFC 7617 example, UTF-8', () => {
  assert.equal(basicAuthorization('Aladdin', 'open sesame'), 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  assert.equal(basicAuthorization('jürgen', 'pässwörd'), basic('jürgen:pässwörd'));
  assert.equal(basicAuthorization('', 'token'), basic(':token'));
});

test('urlCredentials: strips the userinfo and percent-decodes it as Go does', () => {
  const cases: ReadonlyArray<readonly [string, string, string | undefined]> = [
    ['https://proxy.example/base', 'https://proxy.example/base', undefined],
    ['https://bob:pw@proxy.example/base', 'https://proxy.example/base', basic('bob:pw')],
    ['https://bob@proxy.example', 'https://proxy.example/', basic('bob:')],
    ['https://:tok@proxy.example:8443/x', 'https://proxy.example:8443/x', basic(':tok')],
    // Escapes are decoded (url.User holds the unescaped form); `+` stays `+`.
    ['https://b%40b:p%3Aw%2Bx+y@h.example/', 'https://h.example/', basic('b@b:p:w+x+y')],
    ['https://bob:p%C3%A4ss@h.example/', 'https://h.example/', basic('bob:päss')],
    // Characters the URL parser escapes itself come out as written.
    ['https://bob:p ss@h.example/', 'https://h.example/', basic('bob:p ss')],
  ];
  for (const [input, url, authorization] of cases) {
    const got = urlCredentials(input);
    assert.equal(got.url.href, url, input);
    assert.equal(got.authorization, authorization, input);
  }
  const given = new URL('https://bob:pw@h.example/');
  urlCredentials(given);
  assert.equal(given.password, 'pw', 'the given URL is not changed');
});

test('urlCredentials: a malformed escape is invalid, and the message hides the password', () => {
  assert.throws(
    () => urlCredentials('https://bob:s3cr%zzet@h.example/'),
    (err: unknown) =>
      err instanceof ModgateError &&
      err.kind === 'invalid' &&
      /invalid percent-escape/.test(err.message) &&
      !err.message.includes('s3cr'),
  );
});

test('urlUserinfo: decoded user name and password, undefined for a malformed escape', () => {
  assert.deepEqual(urlUserinfo(new URL('https://b%40b:p%3Aw@h.example/')), {
    username: 'b@b',
    password: 'p:w',
  });
  assert.deepEqual(urlUserinfo(new URL('https://h.example/')), { username: '', password: '' });
  assert.equal(urlUserinfo(new URL('https://bob:%zz@h.example/')), undefined);
});
