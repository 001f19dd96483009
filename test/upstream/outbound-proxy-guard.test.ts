import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./outbound-proxy-guard-child.js', import.meta.url));

/** Runs the child for `mode` in a fresh process (undici compiling its parser); its result. */
async function runChild(mode: 'http' | 'https'): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [CHILD, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The child bounds its own waits (5 s request deadline, 3 s close); this is the backstop.
    timeout: 60_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout) as Record<string, unknown>;
}

// Without the guard on ProxyAgent's connectors, the proxy's hang-up went unseen: the request
// waited for its deadline and HttpClient.close() never returned.

test('a proxy that hangs up on the first request of a process fails it at once (http URL)', async () => {
  const r = await runChild('http');
  assert.equal(r.outcome, 'error', JSON.stringify(r));
  assert.match(
    String(r.message),
    /^fetching list \(through proxy http:\/\/127\.0\.0\.1:\d+\): connection closed by the other side/,
  );
  assert.equal(r.closed, true, 'HttpClient.close() did not return');
});

test('a proxy that hangs up on the first CONNECT of a process is asked again (https URL)', async () => {
  const r = await runChild('https');
  assert.equal(r.outcome, 'error', JSON.stringify(r));
  // The second connection's answer, not the deadline.
  assert.match(String(r.message), /: the proxy answered 407/);
  assert.equal(r.connections, 2);
  assert.equal(r.closed, true, 'HttpClient.close() did not return');
});
