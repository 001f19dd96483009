import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModgateProcess } from '../support/modgate-process.js';

// Issue 9 item 6 (peak RSS <= 150 MB): the libraries of features that are off by default are
// loaded only when configured — the AWS SDK (storage.backend s3), ioredis
// (coordination.redis_url) and the OpenTelemetry SDK and exporter (tracing.otlp_endpoint) —
// ~15 MB of a default process's memory together (bench/README.md).

/** A module hook (run by `--import`) that appends every module URL loaded to a file. */
function loadRecorder(file: string): string {
  const hooks = [
    "import { appendFileSync } from 'node:fs';",
    'let file;',
    'export function initialize(data) { file = data; }',
    "export async function load(url, context, next) { appendFileSync(file, url + '\\n'); return next(url, context); }",
  ].join('\n');
  const register = [
    "import { register } from 'node:module';",
    `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)}, { data: ${JSON.stringify(file)} });`,
  ].join('\n');
  return `data:text/javascript,${encodeURIComponent(register)}`;
}

const NOT_BY_DEFAULT = [
  '@aws-sdk/client-s3',
  '@aws-sdk/lib-storage',
  'ioredis',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/exporter-trace-otlp-http',
  // Only for `log.format: pretty` (or a terminal): a server's output is JSON lines.
  'pino-pretty',
];

describe('modgate serve with its defaults', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-lazy-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('does not load the libraries of S3 storage, Redis coordination and tracing', async () => {
    const loaded = join(dir, 'loaded.txt');
    const proc = await ModgateProcess.start({
      upstream: 'off',
      nodeArgs: ['--import', loadRecorder(loaded)],
    });
    try {
      await proc.assertAlive();
    } finally {
      await proc.stop();
    }
    const urls = (await readFile(loaded, 'utf8')).split('\n');
    // The recorder works: the libraries every process uses are in the list.
    assert.ok(urls.some((u) => u.includes('/node_modules/undici/')));
    for (const name of NOT_BY_DEFAULT) {
      const found = urls.filter((u) => u.includes(`/node_modules/${name}/`));
      assert.deepEqual(found, [], `${name} is loaded by a default modgate serve`);
    }
  });
});
