import type { Finding, Layer, Status } from './finding.js';
import { LAYERS } from './finding.js';
import type { DoctorSummary } from './run-doctor.js';
import { doctorMessages, type DoctorTranslate } from './doctor-messages.js';

const english = doctorMessages('en');

/** The JSON document `modgate doctor --json` prints (schema version 1; documented in README). */
export interface DoctorJson {
  schemaVersion: 1;
  modgateVersion: string;
  findings: Finding[];
  summary: DoctorSummary;
}

/** A layer's title in the report. */
export function layerTitle(layer: Layer, t: DoctorTranslate = english): string {
  return t(`report.layer.${layer}`);
}

const MARKS: Readonly<Record<Status, string>> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };
/** ANSI SGR codes (open, close) of the few styles the report uses. */
const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  gray: [90, 39],
} as const;
type Style = keyof typeof STYLES;

function style(name: Style, text: string): string {
  const [open, close] = STYLES[name];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

const COLOURS: Readonly<Record<Status, Style>> = {
  ok: 'green',
  warn: 'yellow',
  fail: 'red',
  skip: 'gray',
};

export interface ReportOptions {
  /** ANSI colours (only on a terminal that wants them; the CLI decides). */
  colour: boolean;
  /** A heading line, e.g. the directory and the go version. */
  heading?: string;
  /** The language of the frame (titles, labels, summary); the findings come worded already. Default English. */
  t?: DoctorTranslate;
}

/**
 * The readable report: one block per layer in report order, one line per finding with its
 * mark (✓ ok, ! warn, ✗ fail, - skipped) and subject (for a skip without one, its check id), then for warn and fail findings the why,
 * each fix line (ready to paste) and the evidence; ok and skip findings show one line only.
 * Ends with the one-line summary.
 */
export function formatReport(
  findings: readonly Finding[],
  summary: DoctorSummary,
  options: ReportOptions,
): string {
  // The CLI decides (a TTY that wants colours, NO_COLOR unset); node's styleText would
  // second-guess it from process.stdout.
  const paint = (name: Style, text: string): string => (options.colour ? style(name, text) : text);
  const t = options.t ?? english;
  const lines: string[] = [];
  if (options.heading !== undefined) lines.push(paint('bold', options.heading), '');
  for (const layer of LAYERS) {
    const inLayer = findings.filter((f) => f.layer === layer);
    if (inLayer.length === 0) continue;
    lines.push(paint('bold', layerTitle(layer, t)));
    for (const f of inLayer) {
      const mark = paint(COLOURS[f.status], MARKS[f.status]);
      // A skip without a subject names its check: several checks skip for the same reason.
      const label = f.subject ?? (f.status === 'skip' ? f.check : undefined);
      const subject = label === undefined ? '' : `${label}: `;
      lines.push(`  ${mark} ${subject}${f.summary}`);
      if (f.status !== 'warn' && f.status !== 'fail') continue;
      if (f.why !== undefined) lines.push(`      ${t('report.why', { text: f.why })}`);
      for (const fix of f.fix ?? [])
        lines.push(`      ${t('report.fix', { text: paint('cyan', fix) })}`);
      for (const d of f.details ?? []) lines.push(paint('dim', `      ${d}`));
    }
    lines.push('');
  }
  lines.push(summaryLine(summary, paint, t));
  return lines.join('\n') + '\n';
}

/** `3 problems, 1 warning, 12 ok, 2 skipped`, coloured by the worst. */
export function summaryLine(
  summary: DoctorSummary,
  paint: (name: Style, text: string) => string = (_s, text) => text,
  t: DoctorTranslate = english,
): string {
  const n = (count: number) => ({ n: count });
  const text = [
    t(
      summary.fail === 1 ? 'report.summary.problem.one' : 'report.summary.problem.other',
      n(summary.fail),
    ),
    t(
      summary.warn === 1 ? 'report.summary.warning.one' : 'report.summary.warning.other',
      n(summary.warn),
    ),
    t('report.summary.ok', n(summary.ok)),
    t('report.summary.skipped', n(summary.skip)),
  ].join(t('report.summary.separator'));
  if (summary.exitStatus === 2) return paint('red', t('report.summary.incomplete', { text }));
  if (summary.fail > 0) return paint('red', text);
  if (summary.warn > 0) return paint('yellow', text);
  return paint('green', text);
}

/** The `--json` document: language-neutral — the findings as worded for it (English), whatever the report's language. */
export function formatJson(
  findings: readonly Finding[],
  summary: DoctorSummary,
  modgateVersion: string,
): string {
  const doc: DoctorJson = { schemaVersion: 1, modgateVersion, findings: [...findings], summary };
  return JSON.stringify(doc, null, 2) + '\n';
}
