import { MODGATE_VERSION } from '../app/version.js';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { ConfigError } from '../config/index.js';
import { configFrom, withConfigOptions, type ConfigFlags } from './config-options.js';
import { ModgateError } from '../errors/index.js';
import { serve } from './serve.js';
import { configForDisplay } from './config-for-display.js';
import { printSumdbKey } from './sumdb-key.js';
import { addDoctorCommand } from './doctor-command.js';
import { addWarmCommand } from './warm.js';
import { addMirrorCommand } from './mirror.js';
import { addMirrorSyncCommand } from './mirror-sync.js';
import { addPublishCommand } from './publish.js';
import { addAuthCommand } from './auth.js';

const program = new Command('modgate')
  .description('modgate: a Go module proxy and toolkit')
  .version(MODGATE_VERSION, '-v, --version')
  // Program options only before a command: `modgate publish --version vX.Y.Z` is publish's.
  .enablePositionalOptions()
  .showHelpAfterError();

withConfigOptions(program.command('serve').description('run the GOPROXY server')).action(
  async (flags: ConfigFlags) => {
    await serve(configFrom(flags));
  },
);

const configCmd = program.command('config').description('inspect the configuration');
withConfigOptions(
  configCmd.command('print').description('print the effective configuration as YAML'),
).action((flags: ConfigFlags) => {
  process.stdout.write(stringify(configForDisplay(configFrom(flags))));
});
withConfigOptions(
  configCmd.command('check').description('validate the configuration (exit status 0 when valid)'),
).action((flags: ConfigFlags) => {
  configFrom(flags);
  process.stdout.write('configuration is valid\n');
});

const sumdbCmd = program.command('sumdb').description("modgate's own checksum database");
withConfigOptions(
  sumdbCmd
    .command('key')
    .description(
      'print the GOSUMDB value for clients (creates the database key in storage on first use)',
    ),
).action(async (flags: ConfigFlags) => {
  await printSumdbKey(configFrom(flags), process.stdout, process.stderr);
});

addDoctorCommand(program);
addWarmCommand(program);
addMirrorSyncCommand(addMirrorCommand(program));
addPublishCommand(program);
addAuthCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`modgate: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof ModgateError) {
    process.stderr.write(`modgate: ${err.message}\n`);
    process.exit(err.kind === 'invalid' ? 2 : 1);
  }
  const code = (err as { code?: unknown }).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    process.stderr.write(`modgate: cannot listen: ${(err as Error).message}\n`);
    process.exit(1);
  }
  throw err;
}
