import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { FixtureProxy, makeZip } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';
import { listModuleFiles } from '../support/list-files.js';
import { rawRequest } from '../support/raw-request.js';

const hello = (version: string) => ({
  path: 'example.com/hello',
  version,
  files: { 'hello.go': `package hello\n\nconst V = "${version}"\n` },
});

describe('upstream chains', () => {
  let empty: FixtureProxy;
  let full: FixtureProxy;
  let go: GoSandbox;
  before(async () => {
    empty = await FixtureProxy.create([]);
    full = await FixtureProxy.create([hello('v1.0.0')]);
    go = await GoSandbox.create();
  });
  after(async () => {
    await empty.close();
    await full.close();
    await go.cleanup();
  });

  test('"," falls through to the next upstream when the first answers 404', async () => {
    const modgate = await startModgate({ upstream: `${empty.url},${full.url}` });
    try {
      const r = await go.run(['mod', 'download', 'example.com/hello@v1.0.0'], {
        proxy: modgate.url,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(empty.requestsFor('example.com/hello').length > 0, 'the first upstream was asked');
    } finally {
      await modgate.stop();
      await go.clearModCache();
    }
  });

  test('"|" falls through when the first upstream is down; "," does not', async () => {
    empty.setDown(true);
    try {
      const piped = await startModgate({ upstream: `${empty.url}|${full.url}` });
      try {
        const r = await go.run(['mod', 'download', 'example.com/hello@v1.0.0'], {
          proxy: piped.url,
        });
        assert.equal(r.code, 0, r.stderr);
      } finally {
        await piped.stop();
        await go.clearModCache();
      }
      const comma = await startModgate({ upstream: `${empty.url},${full.url}` });
      try {
        const r = await go.run(['mod', 'download', 'example.com/hello@v1.0.0'], {
          proxy: comma.url,
        });
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /502 Bad Gateway/);
      } finally {
        await comma.stop();
      }
    } finally {
      empty.setDown(false);
    }
  });
});

describe('upstream outage after warm-up', () => {
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  let go: GoSandbox;
  before(async () => {
    fixture = await FixtureProxy.create([hello('v1.0.0'), hello('v1.1.0')]);
    go = await GoSandbox.create();
    modgate = await startModgate({ upstream: fixture.url, listTtl: '0s' });
  });
  after(async () => {
    await modgate.stop();
    await fixture.close();
    await go.cleanup();
  });

  test('cached modules still download and lists are served stale, saying so', async () => {
    const warm = await go.run(['mod', 'download', 'example.com/hello@v1.0.0'], {
      proxy: modgate.url,
    });
    assert.equal(warm.code, 0, warm.stderr);
    const list = await go.run(['list', '-m', '-versions', 'example.com/hello'], {
      proxy: modgate.url,
    });
    assert.equal(list.code, 0, list.stderr);

    fixture.setDown(true);
    await go.clearModCache();
    const cached = await go.run(['mod', 'download', '-json', 'example.com/hello@v1.0.0'], {
      proxy: modgate.url,
    });
    assert.equal(cached.code, 0, cached.stderr);
    const stale = await go.run(['list', '-m', '-versions', 'example.com/hello'], {
      proxy: modgate.url,
    });
    assert.equal(stale.code, 0, stale.stderr);
    assert.equal(stale.stdout.trim(), 'example.com/hello v1.0.0 v1.1.0');

    const res = await rawRequest(modgate.url, '/example.com/hello/@v/list');
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-modgate-cache'], 'stale');
    assert.match(String(res.headers.warning), /^111 /);

    // An upstream that answers "not found" (like `off`, or an air-gapped site) does not make a
    // list modgate has served disappear either.
    fixture.setDown(false);
    fixture.overrides.set('example.com/hello/@v/list', { status: 404, body: 'gone' });
    const afterOff = await rawRequest(modgate.url, '/example.com/hello/@v/list');
    assert.equal(afterOff.status, 200);
    assert.equal(afterOff.headers['x-modgate-cache'], 'stale');
    fixture.overrides.delete('example.com/hello/@v/list');
    fixture.setDown(true);

    const notCached = await go.run(['mod', 'download', 'example.com/hello@v1.1.0'], {
      proxy: modgate.url,
    });
    assert.notEqual(
      notCached.code,
      0,
      'a version never fetched cannot be served during the outage',
    );
    fixture.setDown(false);
  });
});

describe('bad input', () => {
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  before(async () => {
    fixture = await FixtureProxy.create([hello('v1.0.0')]);
    modgate = await startModgate({ upstream: fixture.url });
  });
  after(async () => {
    await modgate.stop();
    await fixture.close();
  });

  const cases: Array<[string, string, number]> = [
    ['GET', '/example.com/hello/../../../etc/passwd/@v/list', 400],
    ['GET', '/example.com/%2e%2e/%2e%2e/@v/list', 400],
    ['GET', '/example.com%2fhello/@v/list', 400],
    ['GET', '/example.com/hello%5c..%5c/@v/list', 400],
    ['GET', '/example.com/hello/@v/v1.0.0%00.info', 400],
    ['GET', '/example.com/%zz/@v/list', 400],
    ['GET', '/example.com/!!hello/@v/list', 400],
    ['GET', '/example.com/hello!/@v/list', 400],
    ['GET', '/example.com/Hello/@v/list', 400],
    ['GET', '/example.com/hello/@v/v1.0.mod', 400],
    ['GET', '/example.com/hello/@v/master.zip', 400],
    ['GET', '/example.com/hello/@v/v1.0.0+meta.zip', 400],
    ['GET', '/example.com/hello/@v/v1.0.0.exe', 400],
    ['GET', '/example.com/hello/@v/', 400],
    ['GET', '/nodot/@v/list', 400],
    ['GET', '/' + 'a'.repeat(3000) + '.com/@v/list', 400],
    ['POST', '/example.com/hello/@v/list', 405],
    ['PUT', '/example.com/hello/@v/v1.0.0.zip', 405],
    ['DELETE', '/example.com/hello/@v/v1.0.0.zip', 405],
  ];
  for (const [method, path, status] of cases) {
    test(`${method} ${path.length > 80 ? path.slice(0, 60) + '...' : path} -> ${status}`, async () => {
      const before = await listModuleFiles(modgate.dataDir);
      const requests = fixture.requests.length;
      const res = await rawRequest(modgate.url, path, { method });
      assert.equal(res.status, status, res.body.toString());
      assert.match(String(res.headers['content-type']), /^text\/plain/);
      assert.ok(res.body.length > 0, 'the error says why');
      assert.deepEqual(await listModuleFiles(modgate.dataDir), before, 'nothing stored');
      assert.equal(fixture.requests.length, requests, 'nothing asked upstream');
    });
  }
});

describe('bad upstream content', () => {
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  before(async () => {
    fixture = await FixtureProxy.create([
      hello('v1.0.0'),
      { path: 'example.com/garbage', version: 'v1.0.0' },
      { path: 'example.com/escape', version: 'v1.0.0' },
      { path: 'example.com/huge', version: 'v1.0.0' },
      { path: 'example.com/bigbad', version: 'v1.0.0' },
    ]);
    await fixture.writeRaw('example.com/garbage/@v/v1.0.0.zip', 'this is not a zip file');
    await fixture.writeRaw(
      'example.com/escape/@v/v1.0.0.zip',
      await makeZip('example.com/escape', 'v1.0.0', {
        '/example.com/other@v1.0.0/evil.go': 'package evil\n',
        'go.mod': 'module example.com/escape\n',
      }),
    );
    // A zip bigger than the configured limit.
    await fixture.writeRaw('example.com/huge/@v/v1.0.0.zip', randomBytes(3 << 20));
    // Bigger than the streaming holdback and malformed at the end: the client gets a cut stream.
    await fixture.writeRaw('example.com/bigbad/@v/v1.0.0.zip', randomBytes(2 << 20));
    fixture.overrides.set('example.com/hello/@v/v1.0.0.info', {
      status: 200,
      body: JSON.stringify({ Version: 'v1.1.0', Time: '2024-01-01T00:00:00Z' }),
    });
    modgate = await startModgate({ upstream: fixture.url, maxZipSize: '2MiB' });
  });
  after(async () => {
    await modgate.stop();
    await fixture.close();
  });

  async function assertNothingStored(prefix: string): Promise<void> {
    const files = await listModuleFiles(modgate.dataDir);
    assert.deepEqual(
      files.filter((f) => f.startsWith(prefix) && f.endsWith('.zip')),
      [],
    );
  }

  test('a zip that is not a zip: 502 with a reason, nothing stored', async () => {
    const res = await rawRequest(modgate.url, '/example.com/garbage/@v/v1.0.0.zip');
    assert.equal(res.status, 502);
    assert.match(res.body.toString(), /zip/i);
    await assertNothingStored('example.com/garbage/');
  });

  test('a zip with an entry outside the module: 502, nothing stored', async () => {
    const res = await rawRequest(modgate.url, '/example.com/escape/@v/v1.0.0.zip');
    assert.equal(res.status, 502);
    await assertNothingStored('example.com/escape/');
  });

  test('an oversized zip: 502 naming the limit, nothing stored', async () => {
    const res = await rawRequest(modgate.url, '/example.com/huge/@v/v1.0.0.zip');
    assert.equal(res.status, 502);
    assert.match(res.body.toString(), /limit|larger/);
    await assertNothingStored('example.com/huge/');
  });

  test('a large malformed zip is cut off mid-stream and not stored', async () => {
    await assert.rejects(rawRequest(modgate.url, '/example.com/bigbad/@v/v1.0.0.zip'));
    await assertNothingStored('example.com/bigbad/');
  });

  test('an .info for another version: 502, nothing stored', async () => {
    const res = await rawRequest(modgate.url, '/example.com/hello/@v/v1.0.0.info');
    assert.equal(res.status, 502);
    assert.match(res.body.toString(), /instead of requested version v1\.0\.0/);
    const files = await listModuleFiles(modgate.dataDir);
    assert.ok(!files.includes('example.com/hello/@v/v1.0.0.info'));
  });
});
