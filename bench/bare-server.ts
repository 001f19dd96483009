// The benchmark's reference line: the least a node:http server can do to answer the same
// requests. Every file of a GOPROXY tree is read into memory at start; a request is one Map
// lookup and one `res.end(buffer)`, with the content type and length set. No logging, no
// validation, no disk access. Whatever modgate spends beyond this is its own code path.
//   node dist/bench/bare-server.js <data-dir> <port>
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles } from '../test/support/list-files.js';

const TYPES: Record<string, string> = {
  info: 'application/json',
  mod: 'text/plain; charset=utf-8',
  zip: 'application/zip',
};

const [dataDir, portText] = process.argv.slice(2);
if (dataDir === undefined || portText === undefined) {
  process.stderr.write('usage: bare-server <data-dir> <port>\n');
  process.exit(2);
}

const files = new Map<string, { body: Buffer; type: string }>();
for (const rel of await listFiles(dataDir)) {
  const ext = rel.slice(rel.lastIndexOf('.') + 1);
  files.set('/' + rel, {
    body: await readFile(join(dataDir, rel)),
    type: TYPES[ext] ?? 'text/plain; charset=utf-8',
  });
}

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const file = files.get(req.url ?? '');
  if (file === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 10 });
    res.end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length });
  res.end(req.method === 'HEAD' ? undefined : file.body);
});
server.listen(Number(portText), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
