import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * Accessibility checks with axe-core, injected from node_modules (never a CDN) into a page
 * the browser has loaded. The page's Content-Security-Policy forbids inline scripts, so the
 * source is evaluated through the browser's debugging protocol (as a developer's console
 * would), which that policy does not cover; the page itself is tested as served.
 *
 * The rules: WCAG 2.0 and 2.1 levels A and AA (labels, contrast, names, table headers, lang)
 * and axe's best practices, which hold the landmark rules (one main, content inside
 * landmarks, unique landmarks) and a level-one heading.
 */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

let source: Promise<string> | undefined;

function axeSource(): Promise<string> {
  const require = createRequire(import.meta.url);
  source ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  return source;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** The page's violations of the rules above (empty: it passes). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const code = await axeSource();
  await page.evaluate(code);
  return page.evaluate(async (tags: string[]) => {
    interface Result {
      id: string;
      impact?: string | null;
      help: string;
      nodes: { target: unknown[]; failureSummary?: string }[];
    }
    const { axe, document } = globalThis as unknown as {
      axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Result[] }> };
      document: unknown;
    };
    const results = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`),
    }));
  }, TAGS);
}

/** Readable lines for an assertion message. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact ?? '?'}): ${v.help}\n    ${v.nodes.join('\n    ')}`)
    .join('\n');
}
