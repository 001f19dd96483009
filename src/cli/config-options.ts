import { Option, type Command } from 'commander';
import { loadConfig, type Config } from '../config/index.js';

/** Options shared by every command that needs a configuration. */
export function withConfigOptions(cmd: Command): Command {
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

export interface ConfigFlags {
  config?: string;
  listen?: string;
  dataDir?: string;
  upstream?: string;
  private?: string;
  sumdb?: string[];
  logLevel?: string;
  logFormat?: string;
}

/** The configuration from the shared options; `overrides` win over them (key paths). */
export function configFrom(flags: ConfigFlags, overrides: Record<string, unknown> = {}): Config {
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
      ...overrides,
    },
  });
}
