import { MODGATE_VERSION } from '../app/version.js';
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { ModgateError } from '../errors/index.js';
import { serve } from './serve.js';
import { configForDisplay } from './config-for-display.js';
import { printSumdbKey } from './sumdb-key.js';
import { addDoctorCommand } from './doctor-command.js';
import { addWarmCommand } from './warm.js';
import { addMirrorCommand } from './mirror.js';

/** Options shared by every command that needs a configuration. */
function withConfigOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'YAML configuration file')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:3000)')
    .option('--data-dir <dir>', 'where modules are stored (default ./modgate-data)')
    .option(
      '--upstream <list>',
      'upstream proxies in GOPROXY syntax (default https://proxy.golang.org)',
    )
    .option('--private <patterns>', 'private module path patterns in GOPRIVATE syntax')
    .option(
      '--sumdb <gosumdb>',
      'a checksum database in GOSUMDB syntax, "name+key [url]" (repeatable; replaces sumdb.databases; the first is verified against)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .addOption(
      new Option('--log-level <level>', 'log level').choices([
        'trace',
        'debug',
        'info',
        'warn',
        'error',
        'silent',
      ]),
    )
    .addOption(
      new Option('--log-format <format>', 'log format').choices(['auto', 'json', 'pretty']),
    );
}

interface ConfigFlags {
  config?: string;
  listen?: string;
  dataDir?: string;
  upstream?: string;
  private?: string;
  sumdb?: string[];
  logLevel?: string;
  logFormat?: string;
}

function configFrom(flags: ConfigFlags): Config {
  return loadConfig({
    ...(flags.config === undefined ? {} : { file: flags.config }),
    env: process.env,
    flags: {
      listen: flags.listen,
      data_dir: flags.dataDir,
      upstream: flags.upstream,
      private: flags.private,
      'sumdb.databases': flags.sumdb,
      'log.level': flags.logLevel,
      'log.format': flags.logFormat,
    },
  });
}

const program = new Command('modgate')
  .description('modgate: a Go module proxy and toolkit')
  .version(MODGATE_VERSION, '-v, --version')
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
addMirrorCommand(program);

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
