import type { Command } from 'commander';

/**
 * `modgate mirror …`: moving verified module sets between modgates and into air-gapped sites
 * (docs/mirror.md). `export` writes a bundle, `import` verifies one whole and stores it.
 * Other subcommands (`sync`) attach to the returned command.
 */
export function addMirrorCommand(program: Command): Command {
  const mirror = program
    .command('mirror')
    .description('export, import and sync verified module sets (air-gapped sites, mirrors)');
  return mirror;
}
