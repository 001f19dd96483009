import type { Check } from '../../check.js';
import { moduleCheck } from './module-scope.js';

const ID = 'module.files';

/**
 * The module's files as the go command reads them: which go.mod / go.work, how many
 * requirements, which paths will be fetched and which of those are private by the machine's
 * patterns (evidence for the other checks). A go.mod or go.work that does not parse fails:
 * every go command in the module stops on it.
 */
export const moduleFilesCheck: Check = moduleCheck(ID, (ctx, module) => {
  const m = module;
  const problems = m.problems ?? [];
  const where = m.workFile ?? m.modFiles.join(', ');
  const t = ctx.t;
  const details = m.fetched.map(
    (f) =>
      `${f.path} ${f.version}${f.noProxy ? t('module.files.direct') : ''}${f.noSumdb ? t('module.files.not-checked') : ''}`,
  );
  if (problems.length > 0) {
    return [
      {
        check: ID,
        layer: 'module',
        status: 'fail',
        subject: where,
        summary: t('module.files.unreadable', { problem: problems[0] ?? '' }),
        why: t('module.files.unreadable.why'),
        fix: [t('module.files.unreadable.fix')],
        details: problems,
      },
    ];
  }
  const privateCount = m.fetched.filter((f) => f.noProxy || f.noSumdb).length;
  return [
    {
      check: ID,
      layer: 'module',
      status: 'ok',
      subject: where,
      summary: t('module.files.ok', {
        modules: m.mainModules.join(', ') || t('module.files.no-module-line'),
        requirements: m.requirements.length,
        fetched: m.fetched.length,
        private: privateCount,
      }),
      details,
    },
  ];
});
