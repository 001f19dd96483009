// GOPROXY list rules from cmd/go/internal/modfetch/proxy.go (proxyList, newProxyRepo).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import {
  DEFAULT_GOPROXY,
  parseGoproxyList,
  type GoproxyEntry,
} from '../../src/protocol/goproxy-list.js';
import { redactUrl } from '../../src/protocol/redact-url.js';

const proxy = (url: string, fallbackOnAnyError = false): GoproxyEntry => ({
  kind: 'proxy',
  url,
  redactedUrl: redactUrl(url),
  fallbackOnAnyError,
});
const direct: GoproxyEntry = { kind: 'direct', fallbackOnAnyError: false };
const off: GoproxyEntry = { kind: 'off', fallbackOnAnyError: false };

test('parses lists with the go command rules', () => {
  const cases: ReadonlyArray<readonly [string, GoproxyEntry[]]> = [
    [DEFAULT_GOPROXY, [proxy('https://proxy.golang.org'), direct]],
    ['direct', [direct]],
    ['off', [off]],
    // The separator after an entry decides its fallback.
    [
      'https://a.example|https://b.example,direct',
      [proxy('https://a.example', true), proxy('https://b.example'), direct],
    ],
    [
      'https://a.example,https://b.example|direct',
      [proxy('https://a.example'), proxy('https://b.example', true), direct],
    ],
    ['https://a.example|', [proxy('https://a.example', true)]],
    // Trimming and empty entries.
    ['  https://a.example , ,, direct ', [proxy('https://a.example'), direct]],
    [',,|direct', [direct]],
    // direct and off end the list.
    ['direct,https://a.example', [direct]],
    ['off|https://a.example', [off]],
    ['https://a.example,off,direct', [proxy('https://a.example'), off]],
    ['direct,nonsense', [direct]],
    // https:// is implied for host-like entries.
    ['proxy.example.com', [proxy('https://proxy.example.com')]],
    ['localhost:3000', [proxy('https://localhost:3000')]],
    ['127.0.0.1:3000/goproxy', [proxy('https://127.0.0.1:3000/goproxy')]],
    ['corp/goproxy', [proxy('https://corp/goproxy')]],
    ['http://127.0.0.1:3000/', [proxy('http://127.0.0.1:3000/')]],
    ['HTTPS://Proxy.Example.com', [proxy('HTTPS://Proxy.Example.com')]],
    // file URLs with only a path.
    ['file:///srv/goproxy', [proxy('file:///srv/goproxy')]],
    ['file:/srv/goproxy,direct', [proxy('file:/srv/goproxy'), direct]],
    // Credentials are kept for use and redacted for display.
    [
      'https://bob:s3cret@goproxy.corp.example|direct',
      [
        {
          kind: 'proxy',
          url: 'https://bob:s3cret@goproxy.corp.example',
          redactedUrl: 'https://xxxxx@goproxy.corp.example',
          fallbackOnAnyError: true,
        },
        direct,
      ],
    ],
    ['bob:s3cret@goproxy.corp.example', [proxy('https://bob:s3cret@goproxy.corp.example')]],
  ];
  for (const [value, want] of cases) {
    assert.deepEqual(parseGoproxyList(value), want, value);
  }
});

test('rejects unusable lists with clear messages', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['', 'GOPROXY list is empty'],
    [',', 'GOPROXY list is not the empty string, but contains no entries'],
    [' | , ', 'GOPROXY list is not the empty string, but contains no entries'],
    ['proxy', 'invalid proxy URL missing scheme: proxy'],
    ['DIRECT', 'invalid proxy URL missing scheme: DIRECT'],
    ['noproxy', 'invalid proxy URL missing scheme: noproxy'],
    ['https://a.example,Off', 'invalid proxy URL missing scheme: Off'],
    ['/srv/goproxy', 'invalid proxy URL missing scheme: /srv/goproxy'],
    ['ftp://a.example', 'invalid proxy URL scheme (must be https, http, file): ftp://a.example'],
    [
      'git+ssh://a.example',
      'invalid proxy URL scheme (must be https, http, file): git+ssh://a.example',
    ],
    ['file://host/srv', 'invalid file:// proxy URL with non-path elements: file://host/srv'],
    [
      'file://localhost/srv',
      'invalid file:// proxy URL with non-path elements: file://localhost/srv',
    ],
    ['file:///srv?x=1', 'invalid file:// proxy URL with non-path elements: file:///srv?x=1'],
    ['https://', 'invalid proxy URL: https://'],
    ['exa mple.com', 'invalid proxy URL: https://exa mple.com'],
    ['localhost:port', 'invalid proxy URL: https://localhost:port'],
  ];
  for (const [value, message] of cases) {
    assert.throws(
      () => parseGoproxyList(value),
      (err: unknown) =>
        err instanceof ModgateError && err.kind === 'invalid' && err.message === message,
      value,
    );
  }
});

test('error messages never echo a password', () => {
  for (const value of [
    'ftp://bob:s3cret@a.example',
    'https://bob:s3cret@exa mple.com',
    'bob:s3cret@exa mple.com',
    'file://bob:s3cret@host/srv',
    'https://bob:s3cret@host:badport/x@y',
  ]) {
    assert.throws(
      () => parseGoproxyList(`https://a.example|${value}`),
      (err: unknown) => err instanceof ModgateError && !err.message.includes('s3cret'),
      value,
    );
    assert.throws(
      () => parseGoproxyList(value),
      (err: unknown) =>
        err instanceof ModgateError &&
        !err.message.includes('s3cret') &&
        err.message.includes('xxxxx@') &&
        !err.message.includes('bob'),
      value,
    );
  }
});
