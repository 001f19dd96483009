/**
 * Run as a fresh child process by outbound-proxy-guard.test.ts: one request through an outbound
 * proxy that hangs up, made while undici is still compiling its HTTP/1 parser (the first
 * milliseconds of a process, see src/upstream/guarded-connector.ts).
 *
 * argv[2]:
 * - `http`: an http URL (absolute-form through the proxy); the proxy closes every connection.
 * - `https`: an https URL (CONNECT tunnel); the proxy closes its first connection and answers
 *   CONNECT on the next ones with 407.
 *
 * One JSON line goes to stdout: `{ connections, outcome: 'answer' | 'error', message?, closed }`
 * where `closed` says whether HttpClient.close() returned within 3 s.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { HttpClient } from '../../src/upstream/http-client.js';
import { outboundProxyFromEnv } from '../../src/upstream/outbound-proxy.js';

const mode = process.argv[2] === 'https' ? 'https' : 'http';
let connections = 0;
const proxy = createServer((socket: Socket) => {
  socket.on('error', () => undefined);
  if (++connections === 1 || mode === 'http') {
    socket.destroy();
    return;
  }
  socket.once('data', () => socket.end('HTTP/1.1 407 No\r\nContent-Length: 0\r\n\r\n'));
});
await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
const client = new HttpClient({
  connectTimeoutMs: 2000,
  maxConnections: 2,
  userAgent: 'modgate-test',
  proxy: outboundProxyFromEnv({ HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl }),
});
const result: Record<string, unknown> = {};
try {
  const res = await client.get(new URL(`${mode}://upstream.test/x/@v/list`), {
    label: 'fetching list',
    timeoutMs: 5000,
  });
  res.body.destroy();
  result.outcome = 'answer';
} catch (err) {
  result.outcome = 'error';
  result.message = err instanceof Error ? err.message : String(err);
}
let timer: NodeJS.Timeout | undefined;
result.closed = await Promise.race([
  client.close().then(() => true),
  new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 3000))),
]);
clearTimeout(timer);
result.connections = connections;
process.stdout.write(JSON.stringify(result) + '\n');
proxy.close();
// A request still waiting on a socket nobody listens to would keep the process alive.
process.exit(0);
