import type { Command } from 'commander';
import { buildModuleZip, uploadModule } from '../mirror/publish-module.js';

interface PublishFlags {
  version?: string;
  server?: string;
  ref?: string;
  token?: string;
}

/**
 * `modgate publish [DIR] --version vX.Y.Z --server URL [--ref REF] [--token TOKEN]`: builds
 * the module zip of DIR (or of a git ref) with x/mod's rules and uploads it to a modgate that
 * hosts the module path (docs/hosted-modules.md). Exit status 0 when published (or already
 * published with the same content), 1 when refused or failed, 2 on bad usage.
 */
export function addPublishCommand(program: Command): void {
  program
    .command('publish [dir]')
    .description(
      'publish a module version (the directory, default ., or --ref of its git repository) to a modgate hosting its path',
    )
    .option('--version <version>', 'the version to publish, e.g. v1.2.3')
    .option('--server <url>', 'the modgate server (or MODGATE_SERVER)')
    .option(
      '--ref <ref>',
      'publish this git ref (tag, branch, commit) of the repository DIR is in, not the working tree',
    )
    .option(
      '--token <token>',
      'a bearer token (or MODGATE_TOKEN; else user:password in the URL, else ~/.netrc)',
    )
    .action(async (dir: string | undefined, flags: PublishFlags) => {
      process.exitCode = await runPublish(dir ?? '.', flags);
    });
}

async function runPublish(dir: string, flags: PublishFlags): Promise<number> {
  const server = flags.server ?? process.env.MODGATE_SERVER;
  if (server === undefined || server === '') {
    process.stderr.write('modgate publish: --server URL is required (or MODGATE_SERVER)\n');
    return 2;
  }
  if (flags.version === undefined || flags.version === '') {
    process.stderr.write('modgate publish: --version vX.Y.Z is required\n');
    return 2;
  }
  const version = flags.version;
  let built;
  try {
    built = await buildModuleZip(dir, version, flags.ref);
  } catch (err) {
    process.stderr.write(`modgate publish: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    const res = await uploadModule({
      server,
      modulePath: built.modulePath,
      version,
      file: built.file,
      token: flags.token ?? process.env.MODGATE_TOKEN,
    });
    if (res.status === 200 || res.status === 201) {
      const r = JSON.parse(res.body) as { h1: string; go_mod_h1: string };
      const what = res.status === 201 ? 'published' : 'already published (same content)';
      process.stdout.write(
        `${what}: ${built.modulePath} ${version}\n${built.modulePath} ${version} ${r.h1}\n${built.modulePath} ${version}/go.mod ${r.go_mod_h1}\n`,
      );
      return 0;
    }
    process.stderr.write(
      `modgate publish: ${built.modulePath}@${version}: ${res.status}: ${res.body.trim()}\n`,
    );
    return 1;
  } catch (err) {
    process.stderr.write(`modgate publish: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await built.cleanup();
  }
}
