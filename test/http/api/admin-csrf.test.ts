// The CSRF rule of the admin actions (issue 15; docs/security.md "Forged requests"): what a
// plain HTML form or another site's script can make a browser send is refused; the dashboard's
// own requests and scripts (curl, CI) pass.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { checkNotForged } from '../../../src/http/api/admin-csrf.js';
import { ApiProblem } from '../../../src/http/api/api-problem.js';

const req = (headers: Record<string, string>): IncomingMessage =>
  ({ headers: { host: 'modgate.corp.example:8080', ...headers } }) as unknown as IncomingMessage;

test('the dashboard, curl and CI pass', () => {
  const cases: Record<string, string>[] = [
    { 'content-type': 'application/json' },
    { 'content-type': 'application/json; charset=utf-8' },
    { 'x-modgate-request': '1' },
    // The pages' fetch(): same origin, said twice.
    {
      'content-type': 'application/json',
      origin: 'http://modgate.corp.example:8080',
      'sec-fetch-site': 'same-origin',
    },
    // Behind a TLS-terminating proxy the origin is https.
    { 'x-modgate-request': '1', origin: 'https://modgate.corp.example:8080' },
    { 'x-modgate-request': '1', 'sec-fetch-site': 'none' },
  ];
  for (const headers of cases) {
    assert.doesNotThrow(() => checkNotForged(req(headers)), JSON.stringify(headers));
  }
});

test('forgeable requests are refused with 403 csrf', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{}, /Content-Type: application\/json, or the header X-Modgate-Request/],
    [{ 'content-type': 'application/x-www-form-urlencoded' }, /X-Modgate-Request/],
    [{ 'content-type': 'text/plain' }, /X-Modgate-Request/],
    [{ 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, /Sec-Fetch-Site/],
    [{ 'content-type': 'application/json', 'sec-fetch-site': 'same-site' }, /Sec-Fetch-Site/],
    [{ 'content-type': 'application/json', origin: 'http://evil.example' }, /Origin/],
    [{ 'x-modgate-request': '1', origin: 'null' }, /Origin "null"/],
    [{ 'x-modgate-request': '1', origin: 'http://modgate.corp.example' }, /Origin/], // port
  ];
  for (const [headers, why] of cases) {
    assert.throws(
      () => checkNotForged(req(headers)),
      (err: unknown) =>
        err instanceof ApiProblem &&
        err.status === 403 &&
        err.code === 'csrf' &&
        why.test(err.message),
      JSON.stringify(headers),
    );
  }
});
