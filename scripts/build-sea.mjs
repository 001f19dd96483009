// Builds `modgate doctor` as a single-file executable for machines without Node (issue 10
// item 8), with Node's single executable application support (Node 20: a CommonJS script
// injected into a copy of the node binary that runs this script):
//   1. esbuild bundles dist/src/cli/doctor-standalone.js (built by tsc) and its npm
//      dependencies into one CommonJS file;
//   2. `node --experimental-sea-config` turns it into a blob;
//   3. postject injects the blob into a copy of this node binary.
// The result runs where this node binary runs (same OS, architecture and libc).
//   node scripts/build-sea.mjs [OUT]   (default build/modgate-doctor; needs `npm run build` first)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'build', 'modgate-doctor'));
const work = `${out}.parts`;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const bundle = join(work, 'doctor.cjs');
await build({
  entryPoints: [join(root, 'dist', 'src', 'cli', 'doctor-standalone.js')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: bundle,
  define: { MODGATE_BUNDLED_VERSION: JSON.stringify(version) },
  logLevel: 'error',
});
const blob = join(work, 'doctor.blob');
const config = join(work, 'sea-config.json');
writeFileSync(
  config,
  JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true }),
);
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });
copyFileSync(process.execPath, out);
chmodSync(out, 0o755);
const postject = join(root, 'node_modules', 'postject', 'dist', 'cli.js');
execFileSync(
  process.execPath,
  [
    postject,
    out,
    'NODE_SEA_BLOB',
    blob,
    '--sentinel-fuse',
    'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
rmSync(work, { recursive: true, force: true });
process.stdout.write(`${out}\n`);
