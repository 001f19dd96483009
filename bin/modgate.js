#!/usr/bin/env node
// Entry point: runs the compiled CLI. `npm start` / `npm test` build it first (scripts/setup.mjs).
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
