// The validator hook (issue 14 item 3) against a real local HTTP server: allow, veto (status
// and JSON), timeout and unreachable with fail-open and fail-closed, private paths, replayed
// vetoes.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ModgateError } from '../../src/errors/index.js';
import { ValidatorClient } from '../../src/service/validator-client.js';
import { ValidatorGate } from '../../src/service/validator-gate.js';

type Handler = (body: Record<string, string>, res: ServerResponse) => void;

describe('validator hook', () => {
  let server: Server;
  let url = '';
  let handler: Handler = (_b, res) => res.end();
  const seen: Record<string, string>[] = [];
  const authorizations: string[] = [];
  const held = new Set<ServerResponse>();

  before(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let text = '';
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => {
        assert.equal(req.method, 'POST');
        assert.equal(req.headers['content-type'], 'application/json');
        authorizations.push(req.headers.authorization ?? '');
        const body = JSON.parse(text) as Record<string, string>;
        seen.push(body);
        handler(body, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/check`;
  });
  after(async () => {
    for (const res of held) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const version = {
    module: 'example.com/m',
    version: 'v1.0.0',
    h1: 'h1:zip=',
    go_mod_h1: 'h1:mod=',
  };
  const client = (failOpen: boolean, timeoutMs = 10_000) =>
    new ValidatorClient({ url, timeoutMs, failOpen });

  test('a 2xx answer allows, and the request carries module, version and both hashes', async () => {
    seen.length = 0;
    handler = (_b, res) => res.end('{"allow": true}');
    assert.deepEqual(await client(false).validate(version), { allow: true });
    handler = (_b, res) => res.writeHead(204).end();
    assert.deepEqual(await client(false).validate(version), { allow: true });
    assert.deepEqual(seen[0], version);
    // Credentials in the URL are sent as Basic authentication.
    const withUser = new ValidatorClient({
      url: url.replace('http://', 'http://scan%40ner:s3cret@'),
      timeoutMs: 10_000,
      failOpen: false,
    });
    await withUser.validate(version);
    assert.equal(
      authorizations.at(-1),
      `Basic ${Buffer.from('scan@ner:s3cret').toString('base64')}`,
    );
  });

  test('a 4xx answer vetoes with its text; a JSON {allow:false} vetoes with its reason', async () => {
    handler = (_b, res) => res.writeHead(403).end('CVE-2026-1 found\n');
    assert.deepEqual(await client(false).validate(version), {
      allow: false,
      reason: 'CVE-2026-1 found',
    });
    handler = (_b, res) => res.end(JSON.stringify({ allow: false, reason: 'GPL-3.0 not allowed' }));
    assert.deepEqual(await client(true).validate(version), {
      allow: false,
      reason: 'GPL-3.0 not allowed',
    });
    handler = (_b, res) => res.writeHead(451).end();
    assert.deepEqual(await client(false).validate(version), {
      allow: false,
      reason: 'the validator answered 451',
    });
  });

  test('slow, failing or unreachable: fail-closed refuses for now (502), fail-open allows', async () => {
    handler = (_b, res) => held.add(res); // never answers
    await assert.rejects(client(false, 200).validate(version), (err: unknown) => {
      assert.ok(err instanceof ModgateError);
      assert.equal(err.kind, 'upstream');
      assert.match(err.message, /no answer within 200 ms.*validator\.fail_open is false/);
      return true;
    });
    const open = await client(true, 200).validate(version);
    assert.equal(open.allow, true);
    assert.match((open as { unverified?: string }).unverified ?? '', /no answer within 200 ms/);
    handler = (_b, res) => res.writeHead(503).end('scanner down');
    await assert.rejects(client(false).validate(version), /failed: 503 scanner down/);
    assert.equal((await client(true).validate(version)).allow, true);
    const closed = new ValidatorClient({
      url: 'http://127.0.0.1:1/nothing-listens',
      timeoutMs: 10_000,
      failOpen: false,
    });
    await assert.rejects(closed.validate(version), /unreachable/);
  });

  test('the gate: zips only, private paths only to a private service, vetoes replayed for the TTL', async () => {
    seen.length = 0;
    let verdict = 'CVE-2026-2';
    handler = (_b, res) => (verdict === '' ? res.end() : res.writeHead(403).end(verdict));
    const signal = new AbortController().signal;
    const gate = (privateService: boolean, vetoTtlMs: number) =>
      new ValidatorGate({
        client: client(false),
        privateService,
        vetoTtlMs,
        goModHash: () => Promise.resolve('h1:mod='),
      });
    const zip = {
      modulePath: 'example.com/m',
      version: 'v1.0.0',
      file: 'zip',
      hash: 'h1:zip=',
    } as const;
    const g = gate(false, 60_000);
    await g.check({ ...zip, file: 'mod', isPrivate: false }, { signal });
    await g.check({ ...zip, isPrivate: true }, { signal });
    assert.equal(seen.length, 0, 'a .mod and a private zip are not sent');
    await assert.rejects(g.check({ ...zip, isPrivate: false }, { signal }), (err: unknown) => {
      assert.ok(err instanceof ModgateError);
      assert.equal(err.kind, 'forbidden');
      assert.equal(err.message, 'example.com/m@v1.0.0 refused by the validator: CVE-2026-2');
      return true;
    });
    assert.deepEqual(seen, [version]);
    verdict = '';
    // Replayed within the TTL without asking; a gate with TTL 0 asks again and now allows.
    await assert.rejects(g.check({ ...zip, isPrivate: false }, { signal }), /CVE-2026-2/);
    assert.equal(seen.length, 1);
    await gate(false, 0).check({ ...zip, isPrivate: false }, { signal });
    await gate(true, 0).check({ ...zip, isPrivate: true }, { signal });
    assert.equal(seen.length, 3);
  });
});
