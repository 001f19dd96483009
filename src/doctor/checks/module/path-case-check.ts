import type { Check } from '../../check.js';
import type { Finding } from '../../finding.js';
import { checkPath } from '../../../module/index.js';
import { noModule } from './module-scope.js';

const ID = 'module.path-case';

/**
 * Requirement paths as the go command checks them (module.CheckPath): a malformed path — an
 * upper-case host, a bad character — stops every go command in the module; two requirements
 * whose paths differ only in case (github.com/Sirupsen/logrus and github.com/sirupsen/logrus)
 * collide ("case-insensitive import collision") and only one of them is the module's real
 * path.
 */
export const pathCaseCheck: Check = {
  id: ID,
  layer: 'module',
  network: false,
  run(ctx): Promise<Finding[]> {
    const none = noModule(ID, ctx);
    if (none !== undefined) return Promise.resolve(none);
    const findings: Finding[] = [];
    const byLower = new Map<string, Set<string>>();
    const files = new Map<string, string>();
    for (const r of ctx.module!.requirements) {
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
          why: 'the go command refuses the whole go.mod',
          fix: [
            `correct the path in ${r.file} (module paths start with a lower-case host name), then: go mod tidy`,
          ],
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
        summary: `requirements differ only in case: ${all.join(', ')}`,
        why: 'only one spelling is the module\'s real path (the other fails with "module declares its path as"), and both together give "case-insensitive import collision"',
        fix: [
          `use the spelling the module's own go.mod declares in every import and in ${files.get(all[0]!) ?? 'go.mod'}, then: go mod tidy`,
        ],
      });
    }
    if (findings.length === 0) {
      findings.push({
        check: ID,
        layer: 'module',
        status: 'ok',
        summary: `${ctx.module!.requirements.length} requirement paths are well formed`,
      });
    }
    return Promise.resolve(findings);
  },
};
