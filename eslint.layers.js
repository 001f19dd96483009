// The layer rules of DESIGN.md §2, as ESLint flat-config blocks (imported by eslint.config.js,
// tested by test/lint/layer-rules.test.ts). Dependencies point inward only:
//
//   cli → app (composition root) → http → service → storage | upstream | sumdb client/server
//                                                     ↓
//          pure core: module, semver, modfile, protocol, zip (rules), sumdb root/note/tlog, policy, i18n
//
// How: one block per layer (src/<layer>/**), each configuring ESLint's own
// `no-restricted-imports` with one regex per forbidden layer, generated from the `LAYERS`
// table below, which is an allow-list: a layer may import exactly the layers it names.
// `no-restricted-imports` matches the import string, not the resolved file, so each pattern is
// the lexical form a relative import of that layer takes from inside the importing layer
// (`../storage/…` from src/http, `../server/…` from src/sumdb/note); specifiers that are not in
// that normal form (`./../x`, `../a/../storage`, `…/src/…`, absolute paths) are refused in every
// layer, so nothing reaches another layer round a corner; dynamic `import()` and `import('…')`
// types are refused in src/ for the same reason. The price of reading strings: a subfolder
// named like a layer its parent may not import (say src/storage/upstream/) would be taken for
// that layer — name such a folder otherwise. Type-only imports count as arrows: a type
// couples the importer to the layer that owns it just as a value does. The one deliberate
// exception is a port: an interface a layer publishes for its adapters to implement
// (`PORTS`), imported from below by those adapters only.
//
// A flat-config rule set by two blocks takes the later block's options, so the blocks never
// overlap: a layer's block ignores the folders of the layers nested in it (sumdb/note in
// sumdb, zip/files in zip), and the first block, which matches every src/ file, refuses every
// relative import outside the file's own folder with "in no layer" — it only shows for files in
// a folder the table does not name, since every layer's block replaces it.

/** Leaves every layer may use: no I/O, no knowledge of the layers above. */
const LEAVES = ['errors', 'async', 'cache'];

/**
 * The pure core: no file, network, process, timer or clock I/O — data comes in through small
 * interfaces or callbacks, so it is testable with tables and vectors. The core may use itself
 * and the leaves; the order inside the core is not enforced here (test/lint/import-cycles.test.ts
 * keeps it free of circles).
 */
const CORE = [
  'semver',
  'module',
  'modfile',
  'protocol',
  'zip',
  'sumdb',
  'sumdb/note',
  'sumdb/tlog',
  'policy',
  'i18n',
];

/**
 * Every folder of src/ with the layers it may import (besides itself). A file belongs to the
 * layer with the longest folder prefix of its path (src/sumdb/note/x.ts → sumdb/note;
 * src/sumdb/x.ts and any new src/sumdb/<dir>/ → sumdb, which is pure: new folders start out
 * strict). `pure: true` adds the core's I/O restrictions. `packages` lists the npm packages a
 * pure layer may use (adapter layers may use any).
 */
export const LAYERS = {
  // Leaves.
  errors: { may: [], pure: true },
  async: { may: ['errors'], pure: true },
  cache: { may: ['errors'], pure: true, packages: ['lru-cache'] },

  // The pure core.
  semver: { may: [...LEAVES, ...CORE], pure: true },
  module: { may: [...LEAVES, ...CORE], pure: true },
  modfile: { may: [...LEAVES, ...CORE], pure: true },
  protocol: { may: [...LEAVES, ...CORE], pure: true },
  // The x/mod zip rules and h1 dirhash. yazl encodes a zip from entries handed to it (buffers
  // and streams); reading zips and directories from disk is zip/files' job.
  zip: { may: [...LEAVES, ...CORE], pure: true, packages: ['yazl'] },
  sumdb: { may: [...LEAVES, ...CORE], pure: true },
  'sumdb/note': { may: [...LEAVES, ...CORE], pure: true },
  'sumdb/tlog': { may: [...LEAVES, ...CORE], pure: true },
  // The per-module policy compiled once from the configuration: what, not how.
  policy: { may: [...LEAVES, ...CORE], pure: true },
  // Languages (issue 15): locale negotiation from Accept-Language and LANG, typed message
  // catalogs. Core so that every layer that prints to people (http pages, doctor, cli) may use
  // it; pure because the header and the environment are handed in.
  i18n: { may: [...LEAVES, ...CORE], pure: true },

  // Adapters and the file-reading side of the core.
  // Reads zip files and module directories from disk, applying the rules of zip/.
  'zip/files': { may: [...LEAVES, ...CORE] },
  // Logging is a leaf for the I/O layers (the core does not log); it takes options, not the
  // configuration.
  log: { may: [...LEAVES, ...CORE] },
  // One schema, loaded from YAML + env + flags. Read by app and cli only; validation uses the
  // core and the policy, never an adapter.
  config: { may: [...LEAVES, ...CORE] },
  // The metric registry and names, and tracing (DESIGN §2): like the log, a leaf for the I/O
  // layers, which record what they do through it; it takes options, not the configuration.
  metrics: { may: [...LEAVES, ...CORE, 'log'] },
  storage: { may: [...LEAVES, ...CORE, 'log', 'metrics'] },
  // How replicas agree (DESIGN §3 "Lock / coalescer"): distributed singleflight, shared
  // not-found memory and list freshness, exclusive locks — in-process, or through Redis. A layer
  // of its own beside storage rather than a port of the service: its two users (the service and
  // sumdb/server, which may not import each other) both need it, and it knows neither of them
  // (work comes in as callbacks), so nothing needs inverting.
  coordination: { may: [...LEAVES, ...CORE, 'log', 'metrics'] },
  upstream: { may: [...LEAVES, ...CORE, 'log', 'metrics', 'zip/files'] },
  // The client keeps its tiles and signed tree head in storage (DESIGN §3 "sumdb client ops")
  // and reaches the database through upstream's one outbound HTTP stack (proxy, guards).
  'sumdb/client': { may: [...LEAVES, ...CORE, 'log', 'metrics', 'storage', 'upstream'] },
  'sumdb/server': { may: [...LEAVES, ...CORE, 'log', 'metrics', 'storage', 'coordination'] },
  // The checksum gate that verifies downloads against a checksum database.
  'sumdb/verify': { may: [...LEAVES, ...CORE, 'log', 'metrics', 'sumdb/client'] },
  // Answers the /sumdb/ routes, the service of those routes: relays through the clients, and
  // asks the databases modgate hosts through the small interface it defines (app hands it
  // sumdb/server's HostedSumdb).
  'sumdb/proxy': { may: [...LEAVES, ...CORE, 'log', 'metrics', 'sumdb/client'] },
  service: {
    may: [
      ...LEAVES,
      ...CORE,
      'log',
      'metrics',
      'storage',
      'coordination',
      'upstream',
      'zip/files',
      'sumdb/client',
      'sumdb/server',
    ],
  },
  // The dashboard's read model (issue 15): status, the catalog of stored modules, version
  // details, activity, client setup, as views the pages and the JSON API show. Service level:
  // it reads storage, the service's events, the metrics objects and the policy, never HTTP.
  dashboard: {
    may: [
      ...LEAVES,
      ...CORE,
      'log',
      'metrics',
      'storage',
      'coordination',
      'service',
      'sumdb/client',
    ],
  },
  // Routes, headers, bytes: the module routes go to the service, the /sumdb/ routes to
  // sumdb/proxy, the dashboard's pages and API (http/ui, http/api) to the dashboard.
  http: { may: [...LEAVES, ...CORE, 'log', 'metrics', 'service', 'sumdb/proxy', 'dashboard'] },
  // modgate doctor: diagnoses a developer machine as the go command sees it (its own probes of
  // DNS, TCP, proxies, TLS, git and the go command; it shares no state with serve).
  doctor: { may: [...LEAVES, ...CORE, 'log'] },
  // modgate warm / mirror: reads go.mod/go.sum/go.work files, computes the module set the go
  // command would fetch (MVS with graph pruning), fetches it through any GOPROXY server or
  // into storage, and moves verified module sets in and out as bundles.
  mirror: { may: [...LEAVES, ...CORE, 'log', 'storage', 'upstream', 'zip/files', 'sumdb/client'] },
  // The composition root: wires everything (only cli imports it).
  app: { may: 'all-but:cli' },
  // Thin commands: parse flags, load the configuration, build the app, call it.
  cli: { may: [...LEAVES, ...CORE, 'log', 'config', 'app', 'doctor', 'mirror'] },
};

/**
 * Ports: files in which a layer publishes an interface for adapters below it to implement,
 * and the layers that may import them. The service owns the checksum gate contract; the sumdb
 * gates implement it and app wires them in.
 */
export const PORTS = {
  'service/checksum-gate.js': ['sumdb/verify', 'sumdb/server'],
};

/** The layers that implement a port of the service: the service does not import them. */
const PORTS_TO_SERVICE = PORTS['service/checksum-gate.js'];

/** Why an arrow is wrong, for the message: the most specific reason first. */
function reason(from, to) {
  if (LEAVES.includes(from)) return `${from} is a leaf every layer may use: it imports no layer`;
  if (LAYERS[from].pure && !LAYERS[to].pure)
    return from === 'zip' && to === 'zip/files'
      ? 'the zip rules read no files: the adapters in zip/files apply the rules'
      : 'the pure core imports no adapter and no layer above it; take the data through an interface';
  if (to === 'cli') return 'cli is the top: nothing imports it';
  if (to === 'app') return 'app is the composition root: only cli imports it';
  if (to === 'config')
    return 'the configuration is read by app and cli only: take the values you need as options';
  if (from === 'http')
    return 'http routes requests and writes bytes: go through the service (or sumdb/proxy)';
  if (to === 'http') return 'nothing below http knows about HTTP routes';
  if (PORTS_TO_SERVICE.includes(to) && from === 'service')
    return `the ${to} gates implement the service's port (service/checksum-gate.js): app hands them to the service`;
  if (to === 'service')
    return 'the service calls the layers below it, not the other way (implement a port the service publishes, e.g. service/checksum-gate.js, and let app wire it)';
  return `${from} and ${to} do not depend on each other: let the layer above (service or app) connect them`;
}

/** Node built-ins the pure layers may use: computation on data handed in, no I/O. */
const PURE_BUILTINS = [
  'buffer',
  'crypto',
  'events',
  'path',
  'stream',
  'stream/promises',
  'string_decoder',
  'util',
  'zlib',
];

/** Globals that are I/O (network, timers, the process) and so not for the pure core. */
const IO_GLOBALS = [
  'fetch',
  'process',
  'setImmediate',
  'setInterval',
  'setTimeout',
  'WebSocket',
  'XMLHttpRequest',
];

// No `/` or `-` in the class: the rule compiles with the u flag, where `\/` is allowed but `\-` is not.
/** Refused in all of src/: imports the patterns cannot see. */
const SRC_SYNTAX = [
  {
    selector: 'ImportExpression',
    message:
      'use a static import in src/: the layer rules of eslint.layers.js check static imports only.',
  },
  {
    selector: 'TSImportType',
    message:
      "import the type with `import type` in src/: the layer rules of eslint.layers.js do not see import('…') types.",
  },
];

/**
 * Reading the clock, refused in the pure core (not the leaves: BoundedCache defaults its
 * injectable clock to Date.now): answers that depend on the time of day cannot be tested with
 * tables. Take the time as an argument or a `now` callback. Dates from data are fine.
 */
const CLOCK_SYNTAX = [
  "CallExpression[callee.object.name='Date'][callee.property.name='now']",
  "NewExpression[callee.name='Date'][arguments.length=0]",
  "CallExpression[callee.name='Date']",
  "CallExpression[callee.object.name='performance'][callee.property.name='now']",
];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The layer of a folder path relative to src/ (e.g. 'sumdb/note/x' → 'sumdb/note'). */
export function layerOf(path) {
  let best;
  for (const name of Object.keys(LAYERS)) {
    if ((path === name || path.startsWith(`${name}/`)) && (!best || name.length > best.length))
      best = name;
  }
  return best;
}

/** The layers nested inside `name` (e.g. sumdb → sumdb/note, sumdb/tlog, …). */
const nested = (name) => Object.keys(LAYERS).filter((other) => other.startsWith(`${name}/`));

/** The layers `from` may import, itself included. */
function allowed(from) {
  const may = LAYERS[from].may;
  if (may === 'all-but:cli') return Object.keys(LAYERS).filter((l) => l !== 'cli');
  return [from, ...may];
}

/**
 * The regex matching a relative import of layer `to` written in a file of layer `from`:
 * the path from src/<from> to src/<to>, with any number of leading `../` for files in
 * subfolders. Imports of a layer nested in `to` are not matched (they have their own pattern),
 * nor are the ports `from` may use.
 */
function importRegex(from, to) {
  const fromParts = from.split('/');
  const toParts = to.split('/');
  let common = 0;
  while (common < fromParts.length && fromParts[common] === toParts[common]) common++;
  if (common === toParts.length)
    // `to` encloses `from`: its files are `../x.js` from the top of `from` but `../../x.js` from
    // a subfolder, which the lexical patterns cannot tell from `from`'s own files.
    throw new Error(`eslint.layers.js: ${from} must be allowed to import ${to}, which encloses it`);
  const tail = toParts.slice(common).join('/');
  // `to` inside `from` (a nested layer): also `./tail` from the top folder of `from`.
  const lead = common === fromParts.length ? '(?:\\./|(?:\\.\\./)+)' : '(?:\\.\\./)+';
  const skip = nested(to).map((n) => escape(n.slice(to.length + 1)) + '(?:/|$)');
  for (const [port, users] of Object.entries(PORTS)) {
    if (users.includes(from) && layerOf(port.replace(/\/[^/]*$/, '')) === to)
      skip.push(escape(port.slice(to.length + 1)) + '$');
  }
  const guard = skip.length > 0 ? `(?!${skip.join('|')})` : '';
  return `^${lead}${escape(tail)}(?:/${guard}|$)`;
}

/** Refused in every layer: specifiers that could reach another layer round a corner. */
const NOT_NORMAL = {
  // './../x', '../a/../x', '../a/./x', '…/src/…', '/abs/path', and directory imports of '.'.
  regex:
    '^\\./\\.|^(?:\\./|(?:\\.\\./)+)(?!\\.\\.?/)(?:[^/]+/)*?(?:\\.\\.?|src)(?:/|$)|^/|^\\.\\.?$',
  caseSensitive: true,
  message:
    'write relative imports in normal form (./x.js or ../layer/x.js) so the layer rules of eslint.layers.js can see where they go',
};

function restrictionsFor(from) {
  const patterns = [NOT_NORMAL];
  const ok = allowed(from);
  for (const to of Object.keys(LAYERS)) {
    if (ok.includes(to)) continue;
    patterns.push({
      regex: importRegex(from, to),
      caseSensitive: true,
      message: `${from} must not import ${to}: ${reason(from, to)} (DESIGN.md §2, eslint.layers.js).`,
    });
  }
  const rules = {};
  if (LAYERS[from].pure) {
    const packages = LAYERS[from].packages ?? [];
    patterns.push({
      regex: `^node:(?!(?:${PURE_BUILTINS.map(escape).join('|')})$)`,
      caseSensitive: true,
      message: `${from} is pure (DESIGN.md §2): no file, network, process or timer I/O; take the data through an interface. Built-ins allowed: ${PURE_BUILTINS.join(', ')}.`,
    });
    patterns.push({
      regex: `^(?![./]|node:)(?!(?:${packages.map(escape).join('|') || '(?!)'})(?:/|$))`,
      caseSensitive: true,
      message: `${from} is pure (DESIGN.md §2): it may use only the packages listed for it in eslint.layers.js${packages.length ? ` (${packages.join(', ')})` : ''}; Node built-ins are imported as node:x.`,
    });
    rules['no-restricted-globals'] = [
      'error',
      ...IO_GLOBALS.map((name) => ({
        name,
        message: `${from} is pure (DESIGN.md §2): no network, timer or process access; take it through an interface or a callback.`,
      })),
    ];
  }
  if (LAYERS[from].pure && !LEAVES.includes(from)) {
    rules['no-restricted-syntax'] = [
      'error',
      ...SRC_SYNTAX,
      ...CLOCK_SYNTAX.map((selector) => ({
        selector,
        message: `${from} is pure (DESIGN.md §2): it does not read the clock; take the time as an argument or a \`now\` callback.`,
      })),
    ];
  }
  rules['no-restricted-imports'] = ['error', { patterns }];
  return rules;
}

const layerBlocks = Object.keys(LAYERS).map((name) => ({
  name: `modgate/layers/${name}`,
  files: [`src/${name}/**/*.ts`],
  ignores: nested(name).map((n) => `src/${n}/**`),
  rules: restrictionsFor(name),
}));

/**
 * Temporary exceptions, file by file (issue 9 item 4): files that break a layer rule today,
 * each with its owner and its fix, linted meanwhile by the rules of the layer they belong to.
 * Remove an entry when its fix lands; the list should be empty.
 */
/** @type {{ files: string[], layer: string }[]} */
export const TEMPORARY_EXCEPTIONS = [];

const exceptionBlocks = TEMPORARY_EXCEPTIONS.map(({ files, layer }, i) => ({
  name: `modgate/layers/temporary-exception-${i + 1}`,
  files,
  // The rules of their real layer; for an adapter layer that also lifts the pure folder's
  // restricted globals and clock syntax, which a block leaving them unset would keep in force.
  rules: {
    'no-restricted-globals': 'off',
    'no-restricted-syntax': ['error', ...SRC_SYNTAX],
    ...restrictionsFor(layer),
  },
}));

/** The flat-config blocks: spread them into eslint.config.js after the other rules. */
export const layerConfigs = [
  {
    name: 'modgate/layers/unclassified',
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./',
              message:
                'this folder of src/ is in no layer: add it to LAYERS in eslint.layers.js (DESIGN.md §2) before it imports other layers.',
            },
          ],
        },
      ],
      'no-restricted-syntax': ['error', ...SRC_SYNTAX],
    },
  },
  ...layerBlocks,
  ...exceptionBlocks,
];
