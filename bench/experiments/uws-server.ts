// Experiment (issue 9 item 6), not product code: the same floor server as bench/bare-server.ts
// on uWebSockets.js (a C++ HTTP/1.1 server, not node:http) instead of node:http. The project
// does not depend on it: uWebSockets.js is not published on npm by its authors (the packages
// built on it, ultimate-express and hyper-express, fetch it from GitHub), so this loads the
// native binary of a repackaged build installed outside the project, given as a directory:
//   npm install --prefix /tmp/uws @trufflesuite/uws-js-unofficial@20.30.0-unofficial.0
//   node dist/bench/experiments/uws-server.js <data-dir> <port> \
//     /tmp/uws/node_modules/@trufflesuite/uws-js-unofficial
// The binary is required by name (binaries/uws_<platform>_<arch>_<abi>.node), so the
// package's node:http fallback is never used by mistake.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles } from '../../test/support/list-files.js';

/** The few calls of uWebSockets.js v20 used here. */
interface UwsResponse {
  cork(cb: () => void): void;
  writeHeader(key: string, value: string): UwsResponse;
  writeStatus(status: string): UwsResponse;
  end(body?: Buffer | string): UwsResponse;
}
interface UwsRequest {
  getUrl(): string;
  getMethod(): string;
}
interface UwsApp {
  any(pattern: string, handler: (res: UwsResponse, req: UwsRequest) => void): UwsApp;
  listen(host: string, port: number, cb: (token: unknown) => void): UwsApp;
}
interface Uws {
  App(): UwsApp;
  us_listen_socket_close(token: unknown): void;
}

const TYPES: Record<string, string> = {
  info: 'application/json',
  mod: 'text/plain; charset=utf-8',
  zip: 'application/zip',
};

const [dataDir, portText, moduleDir] = process.argv.slice(2);
if (dataDir === undefined || portText === undefined || moduleDir === undefined) {
  process.stderr.write('usage: uws-server <data-dir> <port> <uws-package-dir>\n');
  process.exit(2);
}
const binary = join(
  moduleDir,
  'binaries',
  `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`,
);
const uws = createRequire(import.meta.url)(binary) as Uws;

const files = new Map<string, { body: Buffer; type: string }>();
for (const rel of await listFiles(dataDir)) {
  const ext = rel.slice(rel.lastIndexOf('.') + 1);
  files.set('/' + rel, {
    body: await readFile(join(dataDir, rel)),
    type: TYPES[ext] ?? 'text/plain; charset=utf-8',
  });
}

let listenToken: unknown = null;
uws
  .App()
  .any('/*', (res, req) => {
    const file = files.get(req.getUrl());
    const head = req.getMethod().toLowerCase() === 'head';
    res.cork(() => {
      if (file === undefined) {
        res.writeStatus('404 Not Found').writeHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('not found\n');
        return;
      }
      // uWS writes Content-Length itself (and Date, and its own `uWebSockets: 20` header).
      // HEAD is not in the mixed load; with this build, endWithoutBody(length) aborts the
      // process ("Returning from a request handler without responding"), so HEAD gets an
      // empty answer (Content-Length: 0): wrong, and noted in README.md.
      res.writeHeader('Content-Type', file.type);
      res.end(head ? undefined : file.body);
    });
  })
  .listen('127.0.0.1', Number(portText), (token) => {
    if (!token) {
      process.stderr.write(`uws-server: cannot listen on ${portText}\n`);
      process.exit(1);
    }
    listenToken = token;
  });
process.on('SIGTERM', () => {
  if (listenToken !== null) uws.us_listen_socket_close(listenToken);
  process.exit(0);
});
