#!/usr/bin/env -S NODE_OPTIONS="--max-semi-space-size=8 ${NODE_OPTIONS}" node
// Entry point: runs the compiled CLI. `npm start` / `npm test` build it first (scripts/setup.mjs).
//
// The line above is modgate's default memory setting (issue 9 item 6). V8's young generation
// grows under load to 2 × 16 MB semi-spaces and stays there; `--max-semi-space-size=8` caps it
// at 2 × 8 MB, which keeps `modgate serve`'s peak RSS under 150 MB through the serving bench
// for a few % more CPU per request (bench/README.md has the figures). V8 sizes its heap when
// node starts, so the flag has to be on node's command line or in NODE_OPTIONS; set from inside
// the process it has no effect. Through `env -S` (GNU coreutils >= 8.30, BSD, macOS) it costs
// no extra process: env replaces itself with node (same pid, so signals, exit codes and
// stdin/stdout are node's own). The flag goes first in NODE_OPTIONS, so a user's own
// `--max-semi-space-size` in NODE_OPTIONS comes later and wins; node reads its command line
// after NODE_OPTIONS, so `node --max-semi-space-size=N bin/modgate.js` wins too.
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
