// network.dns with the machine's real resolver: `localhost` (answered from /etc/hosts) and a
// name under `.invalid` (RFC 6761: never resolves). getaddrinfo may ask the configured name
// server about `.invalid`; with no network that is a timeout — a fail as well, asserted loosely.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dnsCheck } from '../../src/doctor/checks/network/dns-check.js';
import { networkContext, oneFinding } from './network-support.js';

test('localhost resolves: ok, with the addresses and the resolver', async () => {
  const ctx = networkContext({ goproxy: 'http://localhost:9/,off' });
  const f = await oneFinding(dnsCheck, ctx, 'localhost');
  assert.equal(f.status, 'ok');
  assert.match(f.summary, /^localhost resolves to (127\.0\.0\.1|::1)(, [\d.:a-f]+)* \(\d+ ms\)$/);
  assert.match(
    f.details?.[0] ?? '',
    /^resolver: \/etc\/hosts, then name servers .* \(\/etc\/resolv\.conf\)$/,
  );
  assert.ok(
    f.details?.includes('used for: http://localhost:9/ (GOPROXY entry 1)'),
    f.details?.join('\n'),
  );
});

test('a name that does not exist: fail, NXDOMAIN (or no answer), with where to fix it', async () => {
  const ctx = networkContext({
    goproxy: 'https://goproxy.doctor-test.invalid,off',
    probeTimeoutMs: 3000,
  });
  const f = await oneFinding(dnsCheck, ctx, 'goproxy.doctor-test.invalid');
  assert.equal(f.status, 'fail');
  assert.match(
    f.summary,
    /^(goproxy\.doctor-test\.invalid does not resolve \(NXDOMAIN: the name servers say no such name\)|no DNS answer for goproxy\.doctor-test\.invalid within 3000 ms .*|the name servers failed to answer .*)$/,
  );
  assert.equal(
    f.fix?.[0],
    "getent hosts goproxy.doctor-test.invalid   # what this machine's resolver answers (check the name for typos)",
  );
  assert.ok(f.fix?.some((l) => l.includes('sudo tee -a /etc/hosts')));
});

test('an IP address needs no lookup', async () => {
  const f = await oneFinding(
    dnsCheck,
    networkContext({ goproxy: 'http://127.0.0.1:9,off' }),
    '127.0.0.1',
  );
  assert.equal(f.status, 'ok');
  assert.equal(f.summary, '127.0.0.1 is an IP address (no lookup)');
});
