#!/usr/bin/env -S NODE_OPTIONS="--max-semi-space-size=4 ${NODE_OPTIONS}" node --liftoff-only
// Entry point: runs the compiled CLI. `npm start` / `npm test` build it first (scripts/setup.mjs).
//
// The line above is modgate's default memory setting (issue 9 item 6: peak RSS <= 150 MB through
// the serving bench; bench/README.md has the figures):
// - `--max-semi-space-size=4`: V8's young generation grows under load to 2 × 16 MB semi-spaces
//   and stays there; this caps it at 2 × 4 MB (-24 MB of RSS) for a few % more CPU per request.
// - `--liftoff-only`: WebAssembly runs on V8's baseline compiler only. The one WebAssembly module
//   modgate runs is undici's HTTP/1 parser (upstream responses); when it got hot, V8 recompiled
//   it with TurboFan, a one-off +16-20 MB burst of compiler memory, under load at the first
//   upstream refresh. No CPU cost measured (the parser skips over bodies).
// V8 sizes its heap when node starts, so these have to be on node's command line or in
// NODE_OPTIONS; set from inside the process they have no effect. Through `env -S` (GNU
// coreutils >= 8.30, BSD, macOS) they cost no extra process: env replaces itself with node (same
// pid, so signals, exit codes and stdin/stdout are node's own). The semi-space flag goes first in
// NODE_OPTIONS, so a user's own `--max-semi-space-size` there comes later and wins; node reads its
// command line after NODE_OPTIONS, so `node --max-semi-space-size=N bin/modgate.js` wins too
// (and runs without `--liftoff-only`, which node does not accept in NODE_OPTIONS).
// `modgate …` (the installed command) and `npm start` (`./bin/modgate.js serve`) go through this
// line; `node bin/modgate.js …` does not (it runs with node's defaults).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write(
    'modgate: not built yet; run `npm run build` (or `npm start`, which builds first)\n',
  );
  process.exit(1);
}
await import(main);
