import type { Check } from '../../check.js';
import type { Finding } from '../../finding.js';
import { checkPath } from '../../../module/index.js';
import { moduleCheck } from './module-scope.js';

const ID = 'module.path-case';

/**
 * Requirement paths as the go command checks them (module.CheckPath): a malformed path — an
 * upper-case host, a bad character — stops every go command in the module; two requirements
 * whose paths differ only in case (github.com/Sirupsen/logrus and github.com/sirupsen/logrus)
 * collide ("case-insensitive import collision") and only one of them is the module's real
 * path.
 */
export const pathCaseCheck: Check = moduleCheck(ID, (ctx, module) => {
  const findings: Finding[] = [];
  const byLower = new Map<string, Set<string>>();
  const files = new Map<string, string>();
  for (const r of module.requirements) {
    files.set(r.path, r.file);
    const set = byLower.get(r.path.toLowerCase()) ?? new Set<string>();
    set.add(r.path);
    byLower.set(r.path.toLowerCase(), set);
    try {
      checkPath(r.path);
    } catch (err) {
      findings.push({
        check: ID,
        layer: 'module',
        status: 'fail',
        subject: r.path,
        summary: (err as Error).message,
        why: ctx.t('module.path-case.why'),
        fix: [ctx.t('module.path-case.fix', { file: r.file })],
      });
    }
  }
  for (const spellings of byLower.values()) {
    if (spellings.size < 2) continue;
    const all = [...spellings];
    findings.push({
      check: ID,
      layer: 'module',
      status: 'fail',
      subject: all.join(' / '),
      summary: ctx.t('module.path-case.collision', { paths: all.join(', ') }),
      why: ctx.t('module.path-case.collision.why'),
      fix: [ctx.t('module.path-case.collision.fix', { file: files.get(all[0]!) ?? 'go.mod' })],
    });
  }
  if (findings.length === 0) {
    findings.push({
      check: ID,
      layer: 'module',
      status: 'ok',
      summary: ctx.t('module.path-case.ok', { n: module.requirements.length }),
    });
  }
  return findings;
});
