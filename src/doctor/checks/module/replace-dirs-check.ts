import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Check } from '../../check.js';
import type { DoctorContext, Replacement } from '../../doctor-context.js';
import type { Finding } from '../../finding.js';
import { moduleCheck } from './module-scope.js';

const ID = 'module.replace-dirs';

/**
 * `replace` directives that point at a directory (./, ../ or an absolute path): the directory
 * must exist and hold a go.mod, or every go command that loads the module graph fails
 * ("reading ../x/go.mod: open …: no such file or directory"). Typical after a clone without
 * the sibling repository, or on CI.
 */
export const replaceDirsCheck: Check = moduleCheck(ID, (ctx, module) => {
  const dirs = module.replacements.filter((r) => r.dir !== undefined);
  if (dirs.length === 0)
    return [
      { check: ID, layer: 'module', status: 'ok', summary: ctx.t('module.replace-dirs.none') },
    ];
  return Promise.all(dirs.map((r) => examine(ctx, r)));
});

async function examine(ctx: DoctorContext, r: Replacement): Promise<Finding> {
  const t = ctx.t;
  const dir = r.dir!;
  const base = { check: ID, layer: 'module' as const, subject: `${r.oldPath} => ${r.newPath}` };
  const drop = r.oldVersion === undefined ? r.oldPath : `${r.oldPath}@${r.oldVersion}`;
  const dropLine = t('module.replace-dirs.drop', { dir: dirname(r.file), drop });
  if (!(await isDir(dir))) {
    return {
      ...base,
      status: 'fail',
      summary: t('module.replace-dirs.missing', { dir }),
      why: t('module.replace-dirs.missing.why'),
      fix: [t('module.replace-dirs.missing.fix', { dir }), dropLine],
      details: [t('module.replace-dirs.in', { file: r.file })],
    };
  }
  if (!(await isFile(join(dir, 'go.mod')))) {
    return {
      ...base,
      status: 'fail',
      summary: t('module.replace-dirs.no-go-mod', { dir }),
      why: t('module.replace-dirs.no-go-mod.why'),
      fix: [`(cd ${dir} && go mod init ${r.oldPath})`, dropLine],
      details: [t('module.replace-dirs.in', { file: r.file })],
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
