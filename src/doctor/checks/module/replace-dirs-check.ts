import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Check } from '../../check.js';
import type { Replacement } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { noModule } from './module-scope.js';

const ID = 'module.replace-dirs';

/**
 * `replace` directives that point at a directory (./, ../ or an absolute path): the directory
 * must exist and hold a go.mod, or every go command that loads the module graph fails
 * ("reading ../x/go.mod: open …: no such file or directory"). Typical after a clone without
 * the sibling repository, or on CI.
 */
export const replaceDirsCheck: Check = {
  id: ID,
  layer: 'module',
  network: false,
  async run(ctx): Promise<Finding[]> {
    const none = noModule(ID, ctx);
    if (none !== undefined) return none;
    const dirs = ctx.module!.replacements.filter((r) => r.dir !== undefined);
    if (dirs.length === 0)
      return [{ check: ID, layer: 'module', status: 'ok', summary: 'no replace to a directory' }];
    return Promise.all(dirs.map((r) => examine(r)));
  },
};

async function examine(r: Replacement): Promise<Finding> {
  const dir = r.dir!;
  const base = { check: ID, layer: 'module' as const, subject: `${r.oldPath} => ${r.newPath}` };
  const drop = r.oldVersion === undefined ? r.oldPath : `${r.oldPath}@${r.oldVersion}`;
  const dropLine = `(cd ${dirname(r.file)} && go mod edit -dropreplace=${drop})   # to use the published module instead`;
  if (!(await isDir(dir))) {
    return {
      ...base,
      status: 'fail',
      summary: `the replacement directory ${dir} does not exist`,
      why: 'every go command that loads the module graph fails ("reading …/go.mod: no such file or directory")',
      fix: [`put the module's source at ${dir} (e.g. git clone it there)`, dropLine],
      details: [`replace in ${r.file}`],
    };
  }
  if (!(await isFile(join(dir, 'go.mod')))) {
    return {
      ...base,
      status: 'fail',
      summary: `${dir} has no go.mod`,
      why: "the go command reads the replacement's go.mod and fails without it",
      fix: [`(cd ${dir} && go mod init ${r.oldPath})`, dropLine],
      details: [`replace in ${r.file}`],
    };
  }
  return { ...base, status: 'ok', summary: dir };
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
