// The layer rules of DESIGN.md §2 (eslint.layers.js): a wrong arrow out of each folder of src/
// is reported, a right one is not. The cases below are written out by hand from the diagram,
// not generated from the rules' own table, so that a change to the table that breaks an arrow
// shows here. Linting uses the layer blocks alone (no type-aware rules), so the files need not
// exist; one test checks that eslint.config.js applies those same blocks to src/.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface LayersModule {
  layerConfigs: Linter.Config[];
  TEMPORARY_EXCEPTIONS: { files: string[]; layer: string }[];
  LAYERS: Record<string, unknown>;
  layerOf(path: string): string | undefined;
}
const layers = (await import(pathToFileURL(join(root, 'eslint.layers.js')).href)) as LayersModule;

const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...layers.layerConfigs,
  ],
});

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result!.messages.map((m) => `${m.ruleId ?? 'parser'}: ${m.message}`);
}

/** [file, code, part of the expected message] */
const wrong: [string, string, string][] = [
  ['src/cli/x.ts', "import { X } from '../service/answer.js';", 'cli must not import service'],
  [
    'src/cli/x.ts',
    "import { X } from '../sumdb/server/index.js';",
    'cli must not import sumdb/server',
  ],
  ['src/app/x.ts', "import { main } from '../cli/main.js';", 'app must not import cli'],
  // A type is an arrow too.
  [
    'src/http/x.ts',
    "import type { Storage } from '../storage/storage.js';",
    'http must not import storage: http routes requests and writes bytes: go through the service',
  ],
  [
    'src/http/x.ts',
    "import { HttpClient } from '../upstream/http-client.js';",
    'http must not import upstream',
  ],
  [
    'src/http/x.ts',
    "import type { Config } from '../config/index.js';",
    'http must not import config',
  ],
  [
    'src/http/x.ts',
    "import { X } from '../sumdb/server/index.js';",
    'http must not import sumdb/server',
  ],
  [
    'src/service/x.ts',
    "import { ProxyServer } from '../http/proxy-server.js';",
    'service must not import http',
  ],
  [
    'src/service/x.ts',
    "import type { Config } from '../config/index.js';",
    'service must not import config',
  ],
  [
    'src/service/x.ts',
    "import { X } from '../sumdb/proxy/index.js';",
    'service must not import sumdb/proxy',
  ],
  // From a subfolder of a layer.
  [
    'src/storage/disk/x.ts',
    "import type { X } from '../../service/answer.js';",
    'storage must not import service',
  ],
  [
    'src/storage/x.ts',
    "import { X } from '../upstream/upstream.js';",
    'storage must not import upstream',
  ],
  [
    'src/upstream/direct/git/x.ts',
    "import type { Storage } from '../../../storage/storage.js';",
    'upstream must not import storage',
  ],
  [
    'src/upstream/x.ts',
    "import { X } from '../sumdb/client/index.js';",
    'upstream must not import sumdb/client',
  ],
  [
    'src/sumdb/client/x.ts',
    "import type { X } from '../../service/module-service.js';",
    'sumdb/client must not import service',
  ],
  // export … from is an arrow.
  [
    'src/sumdb/server/x.ts',
    "export { sendError } from '../../http/send-error.js';",
    'sumdb/server must not import http',
  ],
  [
    'src/sumdb/server/x.ts',
    "import type { X } from '../../service/answer.js';",
    'sumdb/server must not import service',
  ],
  [
    'src/sumdb/server/x.ts',
    "import { X } from '../client/index.js';",
    'sumdb/server must not import sumdb/client',
  ],
  [
    'src/sumdb/verify/x.ts',
    "import { X } from '../server/index.js';",
    'sumdb/verify must not import sumdb/server',
  ],
  [
    'src/sumdb/proxy/x.ts',
    "import { X } from '../verify/index.js';",
    'sumdb/proxy must not import sumdb/verify',
  ],
  [
    'src/sumdb/proxy/x.ts',
    "import { HostedSumdb } from '../server/index.js';",
    'sumdb/proxy must not import sumdb/server',
  ],
  [
    'src/service/x.ts',
    "import { SumdbChecksumGate } from '../sumdb/verify/index.js';",
    "the sumdb/verify gates implement the service's port",
  ],
  // The pure core.
  [
    'src/sumdb/note/x.ts',
    "import { X } from '../client/index.js';",
    'sumdb/note must not import sumdb/client',
  ],
  ['src/sumdb/note/x.ts', "import { readFile } from 'node:fs/promises';", 'sumdb/note is pure'],
  [
    'src/sumdb/tlog/x.ts',
    "import type { Storage } from '../../storage/storage.js';",
    'sumdb/tlog must not import storage',
  ],
  [
    'src/sumdb/x.ts',
    "import { X } from './server/index.js';",
    'sumdb must not import sumdb/server',
  ],
  ['src/module/x.ts', "import { readFileSync } from 'node:fs';", 'module is pure'],
  ['src/module/x.ts', "import { readFileSync } from 'fs';", 'module is pure'],
  ['src/module/x.ts', "import { request } from 'undici';", 'module is pure'],
  ['src/module/x.ts', "import { spawn } from 'node:child_process';", 'module is pure'],
  [
    'src/module/x.ts',
    "import { createLogger } from '../log/index.js';",
    'module must not import log',
  ],
  ['src/module/x.ts', 'setTimeout(() => {}, 1);', 'module is pure'],
  ['src/module/x.ts', "void fetch('https://proxy.golang.org');", 'module is pure'],
  ['src/module/x.ts', 'export const home = process.env.HOME;', 'module is pure'],
  ['src/modfile/x.ts', 'export const t = Date.now();', 'modfile is pure'],
  ['src/protocol/x.ts', 'export const t = new Date();', 'protocol is pure'],
  ['src/sumdb/tlog/x.ts', 'export const t = performance.now();', 'sumdb/tlog is pure'],
  // Every layer's own block keeps the src/-wide syntax rules.
  ['src/semver/x.ts', "export type S = import('../errors/index.js').ModgateError;", 'import type'],
  [
    'src/semver/x.ts',
    "import type { Upstream } from '../upstream/upstream.js';",
    'semver must not import upstream',
  ],
  [
    'src/modfile/x.ts',
    "import { X } from '../zip/files/index.js';",
    'modfile must not import zip/files',
  ],
  [
    'src/protocol/x.ts',
    "import { X } from '../service/answer.js';",
    'protocol must not import service',
  ],
  ['src/protocol/x.ts', "import { connect } from 'node:net';", 'protocol is pure'],
  // The zip rules read no files; zip/files, which does, sits apart.
  ['src/zip/x.ts', "import { X } from './files/index.js';", 'the zip rules read no files'],
  ['src/zip/x.ts', "import yauzl from 'yauzl';", 'zip is pure'],
  ['src/zip/x.ts', "import { open } from 'node:fs/promises';", 'zip is pure'],
  [
    'src/zip/files/x.ts',
    "import { X } from '../../service/answer.js';",
    'zip/files must not import service',
  ],
  [
    'src/policy/x.ts',
    "import type { Config } from '../config/index.js';",
    'policy must not import config',
  ],
  [
    'src/policy/x.ts',
    "import { X } from '../upstream/direct/git/index.js';",
    'policy must not import upstream',
  ],
  [
    'src/config/x.ts',
    "import { X } from '../upstream/direct/git/index.js';",
    'config must not import upstream',
  ],
  [
    'src/config/x.ts',
    "import { createLogger } from '../log/index.js';",
    'config must not import log',
  ],
  [
    'src/log/x.ts',
    "import type { Config } from '../config/index.js';",
    'log must not import config',
  ],
  // Languages: pure core, the environment and headers are handed in.
  ['src/i18n/x.ts', 'export const lang = process.env.LANG;', 'i18n is pure'],
  ['src/i18n/x.ts', "import { readFileSync } from 'node:fs';", 'i18n is pure'],
  ['src/i18n/x.ts', "import { X } from '../http/send-text.js';", 'i18n must not import http'],
  // The leaves.
  [
    'src/errors/x.ts',
    "import { check } from '../module/index.js';",
    'errors must not import module',
  ],
  ['src/async/x.ts', "import { X } from '../cache/index.js';", 'async must not import cache'],
  ['src/cache/x.ts', "import { stat } from 'node:fs';", 'cache is pure'],
  // Round a corner.
  ['src/http/x.ts', "import { X } from './../storage/storage.js';", 'normal form'],
  ['src/http/x.ts', "import { X } from '../service/../storage/storage.js';", 'normal form'],
  ['src/http/x.ts', "import { X } from '../../src/storage/storage.js';", 'normal form'],
  [
    'src/http/x.ts',
    "const m = await import('../storage/storage.js');\nexport { m };",
    'static import',
  ],
  ['src/http/x.ts', "export type S = import('../storage/storage.js').Storage;", 'import type'],
  // A folder no layer names.
  ['src/nolayer/x.ts', "import { X } from '../errors/index.js';", 'in no layer'],
  // The dashboard's read model knows nothing of HTTP (issue 15).
  [
    'src/dashboard/x.ts',
    "import { X } from '../http/proxy-server.js';",
    'dashboard must not import http',
  ],
  [
    'src/dashboard/x.ts',
    "import type { Config } from '../config/index.js';",
    'dashboard must not import config',
  ],
  [
    'src/service/x.ts',
    "import { X } from '../dashboard/index.js';",
    'service must not import dashboard',
  ],
  [
    'src/mirror/x.ts',
    "import { X } from '../http/proxy-server.js';",
    'mirror must not import http',
  ],
  // Coordination knows neither of its users, nor storage: work comes in as callbacks.
  [
    'src/coordination/x.ts',
    "import type { Storage } from '../storage/storage.js';",
    'coordination must not import storage',
  ],
  [
    'src/coordination/x.ts',
    "import { X } from '../service/answer.js';",
    'coordination must not import service',
  ],
  [
    'src/storage/x.ts',
    "import type { Coordinator } from '../coordination/index.js';",
    'storage must not import coordination',
  ],
  [
    'src/http/x.ts',
    "import type { Coordinator } from '../coordination/index.js';",
    'http must not import coordination',
  ],
  // Metrics and tracing are recorded into, not a way round the layers.
  [
    'src/metrics/x.ts',
    "import type { Storage } from '../storage/storage.js';",
    'metrics must not import storage',
  ],
  [
    'src/metrics/x.ts',
    "import type { Config } from '../config/index.js';",
    'metrics must not import config',
  ],
];

/** [file, code]: arrows the diagram allows. */
const right: [string, string][] = [
  [
    'src/coordination/x.ts',
    "import { Redis } from 'ioredis';\nimport type { Logger } from '../log/index.js';\nimport { ModgateError } from '../errors/index.js';\nimport { redactUrl } from '../protocol/redact-url.js';",
  ],
  ['src/service/x.ts', "import type { Coordinator } from '../coordination/index.js';"],
  // The dashboard (issue 15): its read model reads the service and storage; http/api shows it.
  [
    'src/dashboard/x.ts',
    "import type { Storage } from '../storage/storage.js';\nimport type { ModuleService } from '../service/module-service.js';",
  ],
  [
    'src/http/api/x.ts',
    "import type { DashboardData } from '../../dashboard/index.js';\nimport { X } from '../send-error.js';",
  ],
  ['src/sumdb/server/x.ts', "import type { LockGuard } from '../../coordination/index.js';"],
  [
    'src/cli/x.ts',
    "import { buildApp } from '../app/build-app.js';\nimport { loadConfig } from '../config/index.js';\nimport { createLogger } from '../log/index.js';\nimport { Command } from 'commander';",
  ],
  [
    'src/app/x.ts',
    "import { ProxyServer } from '../http/proxy-server.js';\nimport { DiskStorage } from '../storage/index.js';\nimport { X } from '../upstream/direct/git/index.js';\nimport { openOwnSumdb } from '../sumdb/server/index.js';\nimport { X as Y } from '../config/index.js';",
  ],
  [
    'src/http/x.ts',
    "import { X } from '../service/answer.js';\nimport { Y } from '../sumdb/proxy/index.js';\nimport { Z } from '../protocol/proxy-request.js';\nimport { createServer } from 'node:http';\nimport { W } from './send-error.js';",
  ],
  [
    'src/service/x.ts',
    "import type { Storage } from '../storage/storage.js';\nimport type { Upstream } from '../upstream/upstream.js';\nimport { checkZip } from '../zip/index.js';\nimport { rename } from 'node:fs/promises';\nimport type { Policy } from '../policy/module-policy.js';",
  ],
  [
    'src/storage/disk/x.ts',
    "import type { Storage } from '../storage.js';\nimport { ModgateError } from '../../errors/index.js';\nimport { open } from 'node:fs/promises';",
  ],
  [
    'src/upstream/direct/git/x.ts',
    "import type { Upstream } from '../../upstream.js';\nimport { check } from '../../../module/index.js';\nimport { spawn } from 'node:child_process';\nimport { X } from '../discovery/index.js';",
  ],
  [
    'src/sumdb/client/x.ts',
    "import type { Storage } from '../../storage/storage.js';\nimport { HttpClient } from '../../upstream/http-client.js';\nimport { X } from '../tlog/index.js';\nimport { Y } from '../strict-decode.js';",
  ],
  // The port the service publishes for the gates.
  [
    'src/sumdb/server/x.ts',
    "import type { ChecksumGate } from '../../service/checksum-gate.js';\nimport type { Storage } from '../../storage/storage.js';",
  ],
  [
    'src/sumdb/verify/x.ts',
    "import type { ChecksumGate } from '../../service/checksum-gate.js';\nimport { X } from '../client/index.js';",
  ],
  [
    'src/sumdb/proxy/x.ts',
    "import { X } from '../client/index.js';\nimport { Y } from '../tlog/index.js';",
  ],
  [
    'src/sumdb/note/x.ts',
    "import { Y } from '../strict-decode.js';\nimport { createHash } from 'node:crypto';\nimport { ModgateError } from '../../errors/index.js';",
  ],
  [
    'src/sumdb/x.ts',
    "import { X } from './note/index.js';\nimport { Y } from '../protocol/index.js';",
  ],
  [
    'src/module/x.ts',
    "import { X } from '../semver/index.js';\nimport { Y } from './escape.js';\nexport const now = (clock: () => number) => clock();\nexport const t = new Date('2019-03-04T12:00:00Z');",
  ],
  [
    'src/zip/x.ts',
    "import { createHash } from 'node:crypto';\nimport yazl from 'yazl';\nimport { X } from '../modfile/index.js';\nimport { Y } from './dirhash.js';\nimport { Transform } from 'node:stream';",
  ],
  [
    'src/zip/files/x.ts',
    "import { X } from '../check-files.js';\nimport yauzl from 'yauzl';\nimport { open } from 'node:fs/promises';",
  ],
  [
    'src/policy/x.ts',
    "import { X } from '../module/index.js';\nimport { BoundedCache } from '../cache/index.js';",
  ],
  [
    'src/config/x.ts',
    "import type { Policy } from '../policy/module-policy.js';\nimport { z } from 'zod';\nimport { readFile } from 'node:fs/promises';\nimport { X } from '../sumdb/note/index.js';",
  ],
  [
    'src/log/x.ts',
    "import pino from 'pino';\nimport { redactUrl } from '../protocol/redact-url.js';",
  ],
  [
    'src/metrics/x.ts',
    "import { Registry } from 'prom-client';\nimport { trace } from '@opentelemetry/api';\nimport { createLogger } from '../log/index.js';",
  ],
  ['src/storage/x.ts', "import type { StorageMetrics } from '../metrics/index.js';"],
  ['src/http/x.ts', "import { X } from '../metrics/index.js';"],
  ['src/upstream/direct/git/x.ts', "import { X } from '../../../metrics/index.js';"],
  ['src/errors/x.ts', "export { X } from './modgate-error.js';"],
  ['src/http/x.ts', "import { negotiateLocale } from '../i18n/index.js';"],
  ['src/doctor/x.ts', "import { localeFromEnv } from '../i18n/index.js';"],
  [
    'src/i18n/x.ts',
    "import { X } from './locale.js';\nimport { ModgateError } from '../errors/index.js';",
  ],
  ['src/async/x.ts', "import { ModgateError } from '../errors/index.js';"],
  ['src/cache/x.ts', "import { LRUCache } from 'lru-cache';"],
];

test('a wrong arrow out of each folder of src/ is reported with the rule it breaks', async () => {
  const missed: string[] = [];
  for (const [file, code, expected] of wrong) {
    const found = await problems(file, code);
    if (!found.some((m) => m.includes(expected)))
      missed.push(
        `${file}: ${code}\n  expected "${expected}", got: ${found.join(' | ') || '(none)'}`,
      );
  }
  assert.deepEqual(missed, [], 'wrong arrows not reported');
});

test('the arrows DESIGN.md §2 allows are not reported', async () => {
  const reported: string[] = [];
  for (const [file, code] of right) {
    for (const problem of await problems(file, code)) reported.push(`${file}: ${problem}`);
  }
  assert.deepEqual(reported, [], 'right arrows reported');
});

test('every folder of src/ is in a layer of eslint.layers.js', () => {
  const src = join(root, 'src');
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((e) => [join(dir, e.name), ...walk(join(dir, e.name))]);
  for (const dir of walk(src)) {
    const path = relative(src, dir);
    assert.ok(layers.layerOf(path), `src/${path} is in no layer: add it to LAYERS`);
  }
});

test('eslint.config.js applies the layer rules to src/ and nothing after them replaces them', async () => {
  const real = new ESLint({ cwd: root });
  for (const [file, name] of [
    ['src/http/proxy-server.ts', 'http'],
    ['src/sumdb/note/open.ts', 'sumdb/note'],
    ['src/upstream/direct/code-repo.ts', 'upstream'],
  ] as const) {
    const config = (await real.calculateConfigForFile(join(root, file))) as Linter.Config;
    const block = layers.layerConfigs.find((b) => b.name === `modgate/layers/${name}`);
    assert.ok(block, name);
    // The options, past the severity (which ESLint normalizes: 'error' → 2).
    const options = (entry: Linter.RuleEntry | undefined) =>
      (entry as unknown[] | undefined)?.slice(1);
    assert.deepEqual(
      options(config.rules?.['no-restricted-imports']),
      options(block.rules?.['no-restricted-imports']),
      `${file}: the no-restricted-imports options of the ${name} layer`,
    );
  }
});

test('each temporary exception still names a file that breaks the rules of its folder', async () => {
  const strict = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
      ...layers.layerConfigs.filter((b) => !b.name?.startsWith('modgate/layers/temporary')),
    ],
  });
  const stale: string[] = [];
  for (const { files } of layers.TEMPORARY_EXCEPTIONS) {
    for (const file of files) {
      const path = join(root, file);
      if (!existsSync(path)) {
        stale.push(`${file} is gone`);
        continue;
      }
      const [result] = await strict.lintText(readFileSync(path, 'utf8'), { filePath: path });
      if (result!.messages.length === 0) stale.push(`${file} breaks no rule any more`);
    }
  }
  assert.deepEqual(stale, [], 'remove these entries from TEMPORARY_EXCEPTIONS in eslint.layers.js');
});
