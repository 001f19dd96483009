import { Command } from 'commander';
import { MODGATE_VERSION } from '../app/version.js';
import { addDoctorCommand } from './doctor-command.js';

// The entry of the single-file executable (`npm run build:doctor-exe`, scripts/build-sea.mjs):
// `modgate doctor` for machines without Node — the same command as `modgate doctor`, nothing
// else (serve needs the whole install). Bundled to one CommonJS file, so no top-level await.
const program = new Command('modgate')
  .description('modgate doctor: find out why `go mod download` fails on this machine')
  .version(MODGATE_VERSION, '-v, --version')
  .showHelpAfterError();
addDoctorCommand(program);
program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`modgate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
