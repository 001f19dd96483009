/**
 * `modgate doctor`'s messages in English: the reference catalog (zh-CN.ts translates it key by
 * key; test/i18n checks both have every key with the same placeholders). Keys are
 * `report.*` for the report's frame and `<check id>.<case>` for the findings of a check.
 * The English text of a finding is also what `--json` prints, so a change here is a change of
 * that output. Commands in fixes (`go env -w …`) are not messages: they stay as they are.
 */
const en = {
  'report.layer.go': 'Go environment',
  'report.layer.module': "The module's needs",
  'report.layer.network': 'Network',
  'report.layer.credentials': 'Credentials',
  'report.layer.end-to-end': 'End to end',
  'report.layer.server': "The company's modgate",
  'report.why': 'why: {text}',
  'report.fix': 'fix: {text}',
  'report.summary.problem.one': '{n} problem',
  'report.summary.problem.other': '{n} problems',
  'report.summary.warning.one': '{n} warning',
  'report.summary.warning.other': '{n} warnings',
  'report.summary.ok': '{n} ok',
  'report.summary.skipped': '{n} skipped',
  'report.summary.separator': ', ',
  'report.summary.incomplete': '{text} (doctor could not run every check)',
} as const;

export default en;
export type DoctorMessages = typeof en;
