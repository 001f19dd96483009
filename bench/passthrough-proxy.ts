// The go-download bench's floor (its `floor` and `floor-lookup` rows): the thinnest Node proxy
// of a GOPROXY. For each GET (or HEAD) it asks the upstream for the same path through one
// keep-alive node:http Agent and streams the status, Content-Type, Content-Length and body
// back. No storage, no checks, no cache, no logging: what any Node proxy pays in this setup
// (an HTTP exchange in, one out, the bytes through the process) and nothing else.
//   node dist/bench/passthrough-proxy.js <upstream-url> <port> [<sumdb-url>]
// With <sumdb-url> (a checksum database's URL, as in a GOSUMDB value), a `.mod` request also
// fetches `<sumdb-url>/lookup/<path>@<version>`, beside the `.mod` itself, and is answered once
// both are in: the one round trip per version that verification cannot skip. The answer is
// read whole and not checked (no signature, no record); a lookup that is not a 200 makes the
// `.mod` a 502, as a refused version would be.
// Answers: the upstream's status (404 and 410 included); 502 when the upstream (or the
// lookup) cannot be reached; 405 for other methods. A body cut short upstream cuts the
// client's connection.
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';

const [upstreamText, portText, sumdbText] = process.argv.slice(2);
if (upstreamText === undefined || portText === undefined) {
  process.stderr.write('usage: passthrough-proxy <upstream-url> <port> [<sumdb-url>]\n');
  process.exit(2);
}
const upstream = upstreamText.replace(/\/+$/, '');
const sumdb = sumdbText?.replace(/\/+$/, '');
const agent = new Agent({ keepAlive: true });

/** Sends `method url` through the agent; resolves with the response (its body not read). */
function send(method: string, url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent }, resolve);
    req.once('error', reject);
    req.end();
  });
}

/** `<sumdb>/lookup/<path>@<version>` for a `/<path>/@v/<version>.mod` request, else undefined. */
function lookupUrl(path: string): string | undefined {
  if (sumdb === undefined || !path.endsWith('.mod')) return undefined;
  const at = path.lastIndexOf('/@v/');
  if (at <= 0) return undefined;
  return `${sumdb}/lookup${path.slice(0, at)}@${path.slice(at + 4, -4)}`;
}

/** Fetches a lookup and reads its answer whole; resolves with its status. */
async function lookup(url: string): Promise<number> {
  const res = await send('GET', url);
  res.resume();
  await new Promise<void>((resolve, reject) => {
    res.once('end', resolve);
    res.once('error', reject);
    res.once('aborted', () => reject(new Error('lookup answer cut short')));
  });
  return res.statusCode ?? 0;
}

/** A short plain-text error answer (502 unless `status`); a started answer is cut instead. */
function fail(res: ServerResponse, status = 502): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = status === 405 ? 'method not allowed\n' : 'bad gateway\n';
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    fail(res, 405);
    return;
  }
  const path = req.url ?? '/';
  const check = lookupUrl(path);
  void Promise.allSettled([
    send(method, upstream + path),
    check === undefined ? Promise.resolve(200) : lookup(check),
  ]).then(([answer, looked]) => {
    if (answer.status === 'rejected') {
      fail(res);
      return;
    }
    const up = answer.value;
    const status = up.statusCode ?? 502;
    if (status === 200 && (looked.status === 'rejected' || looked.value !== 200)) {
      up.resume();
      fail(res);
      return;
    }
    const headers: Record<string, string> = {};
    const type = up.headers['content-type'];
    const length = up.headers['content-length'];
    if (type !== undefined) headers['content-type'] = type;
    if (length !== undefined) headers['content-length'] = length;
    res.writeHead(status, headers);
    // An error on either side (upstream cut short, client gone) destroys both.
    pipeline(up, res, () => {});
  });
});
server.listen(Number(portText), '127.0.0.1');
process.on('SIGTERM', () => {
  agent.destroy();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
