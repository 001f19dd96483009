import type { Command } from 'commander';
import { MODGATE_VERSION } from '../app/version.js';
import { doctor, exitWhenFlushed, type DoctorFlags } from './doctor.js';

/** `modgate doctor [DIR]`, for the modgate command and the single-file doctor executable. */
export function addDoctorCommand(program: Command): void {
  program
    .command('doctor [dir]')
    .description('find out why `go mod download` fails on this machine, and print the fix')
    .option('--json', 'print the findings as JSON (schema in README)')
    .option('--offline', 'skip the checks that use the network')
    .option('--server <url>', "the company's modgate, to compare settings with (or MODGATE_SERVER)")
    .option('--fix', 'apply the go env -w changes found, after showing them')
    .option('--timeout <ms>', 'time limit of the whole run (default 20000)')
    .option(
      '--lang <locale>',
      'language of the report: en or zh-CN (default: from LC_ALL, LC_MESSAGES, LANG; --json is always English)',
    )
    // Exit status 2 when doctor cannot run, a bad flag included (1 means problems were found).
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (dir: string | undefined, flags: DoctorFlags) => {
      const status = await doctor(dir, flags, {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        modgateVersion: MODGATE_VERSION,
      });
      exitWhenFlushed(status);
    });
}
