import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { FixtureProxy, type FixtureModule } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';

const MODULES: FixtureModule[] = [
  {
    path: 'example.com/hello',
    version: 'v1.0.0',
    files: { 'hello.go': 'package hello\n\nconst V = "1.0.0"\n' },
  },
  {
    path: 'example.com/hello',
    version: 'v1.1.0',
    files: { 'hello.go': 'package hello\n\nconst V = "1.1.0"\n' },
  },
  {
    path: 'example.com/hello',
    version: 'v1.2.0-rc.1',
    files: { 'hello.go': 'package hello\n\nconst V = "1.2.0-rc.1"\n' },
  },
  {
    path: 'example.com/Upper/Case',
    version: 'v0.3.0',
    files: { 'case.go': 'package Case\n\nconst Name = "upper"\n' },
  },
  {
    path: 'corp.example.com/secret',
    version: 'v1.0.0',
    files: { 'secret.go': 'package secret\n' },
  },
  // Bigger than the streaming holdback, incompressible: exercises streaming and coalescing.
  {
    path: 'example.com/big',
    version: 'v1.0.0',
    files: { 'big.go': 'package big\n', 'blob.bin': randomBytes(3 << 20) },
  },
];

interface DownloadJson {
  Path: string;
  Version: string;
  Sum?: string;
  GoModSum?: string;
  Error?: string;
}

function parseJsonStream(text: string): DownloadJson[] {
  const out: DownloadJson[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (text[i] === '}') {
      depth--;
      if (depth === 0) out.push(JSON.parse(text.slice(start, i + 1)) as DownloadJson);
    }
  }
  return out;
}

describe('modgate serve with the real go command', () => {
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  let go: GoSandbox;

  before(async () => {
    fixture = await FixtureProxy.create(MODULES);
    go = await GoSandbox.create();
    modgate = await startModgate({ upstream: fixture.url, private: 'corp.example.com' });
  });
  after(async () => {
    await modgate.stop();
    await fixture.close();
    await go.cleanup();
  });

  test('go mod download -json gives the same sums through modgate as straight from the upstream', async () => {
    const args = [
      'mod',
      'download',
      '-json',
      'example.com/hello@v1.1.0',
      'example.com/Upper/Case@v0.3.0',
    ];
    const direct = await go.run(args, { proxy: fixture.url });
    assert.equal(direct.code, 0, direct.stderr);
    await go.clearModCache();
    const via = await go.run(args, { proxy: modgate.url });
    assert.equal(via.code, 0, via.stderr);
    const want = parseJsonStream(direct.stdout);
    const got = parseJsonStream(via.stdout);
    assert.equal(got.length, 2);
    for (const [i, w] of want.entries()) {
      assert.ok(w.Sum?.startsWith('h1:'));
      assert.equal(got[i]?.Sum, w.Sum);
      assert.equal(got[i]?.GoModSum, w.GoModSum);
      assert.equal(got[i]?.Version, w.Version);
    }
  });

  test('go list -m -versions lists the upstream versions', async () => {
    const r = await go.run(['list', '-m', '-versions', 'example.com/hello'], {
      proxy: modgate.url,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'example.com/hello v1.0.0 v1.1.0 v1.2.0-rc.1');
  });

  test('go get mod@latest picks the latest release', async () => {
    const dir = await go.newModule('example.com/app');
    const r = await go.run(['get', 'example.com/hello@latest'], { proxy: modgate.url, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /go: added example.com\/hello v1.1.0/);
  });

  test('a module path with upper-case letters works', async () => {
    const dir = await go.newModule('example.com/app2');
    const r = await go.run(['get', 'example.com/Upper/Case@v0.3.0'], {
      proxy: modgate.url,
      cwd: dir,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fixture.requestsFor('/example.com/%21upper/%21case/@v/v0.3.0.zip').length >= 1);
  });

  test('an unknown module is reported as not found by the go command', async () => {
    const r = await go.run(['mod', 'download', 'example.com/nope@v1.0.0'], { proxy: modgate.url });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /404 Not Found/);
  });

  test('a private module is never requested from the upstream', async () => {
    const before = fixture.requests.length;
    const r = await go.run(['mod', 'download', 'corp.example.com/secret@v1.0.0'], {
      proxy: modgate.url,
    });
    assert.notEqual(r.code, 0);
    // It is fetched directly from its own host instead (unreachable here), never via the proxy.
    assert.match(r.stderr, /corp\.example\.com\/secret/);
    assert.deepEqual(fixture.requestsFor('secret'), []);
    assert.equal(
      fixture.requests.slice(before).filter((p) => p.includes('corp.example.com')).length,
      0,
    );
  });

  test('50 concurrent clients missing the same zip cause one upstream request', async () => {
    const zipPath = '/example.com/big/@v/v1.0.0.zip';
    fixture.zipDelayMs = 300;
    try {
      const bodies = await Promise.all(
        Array.from({ length: 50 }, async () => {
          const res = await fetch(modgate.url + zipPath);
          assert.equal(res.status, 200);
          return Buffer.from(await res.arrayBuffer());
        }),
      );
      const first = bodies[0];
      assert.ok(first && first.length > 3 << 20);
      for (const b of bodies) assert.ok(first.equals(b));
    } finally {
      fixture.zipDelayMs = 0;
    }
    assert.equal(fixture.requestsFor(zipPath).length, 1);
  });
});
