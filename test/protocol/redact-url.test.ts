// The one rule for hiding URL credentials: single URLs (configuration, GOPROXY entries, git
// remotes) and texts holding several (git's stderr, a GOPROXY list, a GOSUMDB value).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactUrl } from '../../src/protocol/redact-url.js';

test('redactUrl hides the user information of one URL', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['https://a.example/x', 'https://a.example/x'],
    ['https://a.example:8443/x?q=1#f', 'https://a.example:8443/x?q=1#f'],
    ['https://bob:pw@a.example/x', 'https://xxxxx@a.example/x'],
    ['https://bob:pw@a.example:8443', 'https://xxxxx@a.example:8443'],
    ['HTTPS://bob:pw@a.example', 'HTTPS://xxxxx@a.example'],
    ['https://:token@a.example/x', 'https://xxxxx@a.example/x'],
    // A raw `@` in the password: everything up to the last `@` of the authority is hidden.
    ['https://bob:p@w@a.example/x', 'https://xxxxx@a.example/x'],
    // `@` after the authority is not userinfo.
    ['https://a.example/x@v1.0.0', 'https://a.example/x@v1.0.0'],
    ['https://bob:pw@a.example/x@v1', 'https://xxxxx@a.example/x@v1'],
    // A user name alone may be a token (`https://<token>@github.com`): hidden too …
    ['https://ghp_secret@github.com/o/r', 'https://xxxxx@github.com/o/r'],
    ['http://bob@a.example/x', 'http://xxxxx@a.example/x'],
    // … except for ssh, where it is the login (authentication is by key).
    ['ssh://git@github.com/o/r', 'ssh://git@github.com/o/r'],
    ['git+ssh://git@github.com/o/r', 'git+ssh://git@github.com/o/r'],
    ['ssh://git:pw@github.com/o/r', 'ssh://git:xxxxx@github.com/o/r'],
    // No scheme: one URL whose credentials are hidden; scp-like `user@host:path` stays.
    ['bob:pw@a.example', 'xxxxx@a.example'],
    ['bob:pw@a.example/x', 'xxxxx@a.example/x'],
    ['git@github.com:o/r.git', 'git@github.com:o/r.git'],
    ['a.example/x', 'a.example/x'],
    ['', ''],
  ];
  for (const [url, want] of cases) assert.equal(redactUrl(url), want, url);
});

test('redactUrl hides the credentials of every URL in a text', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    // A GOPROXY list.
    [
      'https://a:b@x.example/p,https://c@y.example|https://z.example,direct',
      'https://xxxxx@x.example/p,https://xxxxx@y.example|https://z.example,direct',
    ],
    [
      'https://a:b@x.example,https://c:d@y.example',
      'https://xxxxx@x.example,https://xxxxx@y.example',
    ],
    // A GOSUMDB value.
    ['sum.example+abc https://u:p@sum.example/db', 'sum.example+abc https://xxxxx@sum.example/db'],
    // git's stderr.
    [
      "fatal: unable to access 'https://u:s3cret@git.example/r.git/': The requested URL returned error: 403",
      "fatal: unable to access 'https://xxxxx@git.example/r.git/': The requested URL returned error: 403",
    ],
    [
      "fatal: repository 'https://tok@git.example/r/' not found; see https://git.example/help",
      "fatal: repository 'https://xxxxx@git.example/r/' not found; see https://git.example/help",
    ],
    ['remote: mail bob@example.com for access', 'remote: mail bob@example.com for access'],
  ];
  for (const [text, want] of cases) assert.equal(redactUrl(text), want, text);
});
