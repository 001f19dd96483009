// The validator hook (issue 14 item 3) with the real go command: a veto stops a version from
// being stored and the go command shows the reason; an allowed version is stored as usual.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FixtureProxy } from '../support/fixture-proxy.js';
import { GoSandbox } from '../support/go-sandbox.js';
import { startModgate, type ModgateInstance } from '../support/modgate-instance.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('validator hook with the real go command', () => {
  let fixture: FixtureProxy;
  let modgate: ModgateInstance;
  let go: GoSandbox;
  let validator: Server;
  const asked: { module: string; version: string; h1: string; go_mod_h1: string }[] = [];

  before(async () => {
    fixture = await FixtureProxy.create([
      { path: 'example.com/evil', version: 'v1.0.0', files: { 'e.go': 'package evil\n' } },
      { path: 'example.com/good', version: 'v1.0.0', files: { 'g.go': 'package good\n' } },
    ]);
    validator = createServer((req, res) => {
      let text = '';
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => {
        const body = JSON.parse(text) as (typeof asked)[number];
        asked.push(body);
        if (body.module === 'example.com/evil') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ allow: false, reason: 'malware found by scanner X' }));
        } else res.end('{"allow": true}');
      });
    });
    await new Promise<void>((resolve) => validator.listen(0, '127.0.0.1', resolve));
    const port = (validator.address() as AddressInfo).port;
    go = await GoSandbox.create();
    modgate = await startModgate({
      upstream: fixture.url,
      settings: { 'validator.url': `http://127.0.0.1:${port}/validate` },
    });
  });
  after(async () => {
    await modgate.stop();
    await fixture.close();
    await go.cleanup();
    validator.closeAllConnections();
    await new Promise((resolve) => validator.close(resolve));
  });

  test('a veto: go mod download fails with the reason, and the zip is not stored', async () => {
    const r = await go.run(['mod', 'download', 'example.com/evil@v1.0.0'], { proxy: modgate.url });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /403 Forbidden/);
    assert.match(r.stderr, /refused by the validator: malware found by scanner X/);
    await modgate.settle();
    assert.equal(await exists(join(modgate.dataDir, 'example.com/evil/@v/v1.0.0.zip')), false);
    const evil = asked.find((a) => a.module === 'example.com/evil');
    assert.equal(evil?.version, 'v1.0.0');
    assert.match(evil?.h1 ?? '', /^h1:[A-Za-z0-9+/]{43}=$/);
    assert.match(evil?.go_mod_h1 ?? '', /^h1:[A-Za-z0-9+/]{43}=$/);
  });

  test('an allowed version is stored with the hashes the go command computes', async () => {
    const r = await go.run(['mod', 'download', '-json', 'example.com/good@v1.0.0'], {
      proxy: modgate.url,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { Sum: string; GoModSum: string };
    const good = asked.find((a) => a.module === 'example.com/good');
    assert.equal(good?.h1, out.Sum);
    assert.equal(good?.go_mod_h1, out.GoModSum);
    await modgate.settle();
    assert.equal(await exists(join(modgate.dataDir, 'example.com/good/@v/v1.0.0.zip')), true);
  });
});
