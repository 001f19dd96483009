/**
 * The report's frame (layer titles, labels, the summary line), the runner's skip findings, the
 * helpers every go env check uses, and `--fix`'s lines.
 */
const report = {
  'report.layer.go': 'Go environment',
  'report.layer.module': "The module's needs",
  'report.layer.network': 'Network',
  'report.layer.credentials': 'Credentials',
  'report.layer.end-to-end': 'End to end',
  'report.layer.server': "The company's modgate",
  'report.why': 'why: {text}',
  'report.fix': 'fix: {text}',
  'report.heading': 'modgate doctor {version} — {dir}',
  'report.heading.go': 'modgate doctor {version} — {dir} ({go})',
  'report.summary.problem.one': '{n} problem',
  'report.summary.problem.other': '{n} problems',
  'report.summary.warning.one': '{n} warning',
  'report.summary.warning.other': '{n} warnings',
  'report.summary.ok': '{n} ok',
  'report.summary.skipped': '{n} skipped',
  'report.summary.separator': ', ',
  'report.summary.incomplete': '{text} (doctor could not run every check)',
  /** Joins the several problems one finding reports. */
  'report.list.separator': '; ',

  'run.skip.offline': 'skipped: --offline',
  'run.skip.deadline': 'skipped: the time limit of the whole run was reached',
  'run.skip.unfinished': 'not finished when the time limit of the whole run was reached',
  'run.skip.nothing': 'nothing to check',
  'run.skip.error': 'doctor could not run this check: {message}',

  'fix.none': '--fix: no go env change to apply',
  'fix.applying': '--fix: applying {n} go env change(s):',
  'fix.failed': 'failed',
  'fix.environment':
    '{name} is also set in the environment, which wins over go env -w: unset {name} (and remove it from your shell profile)',
  'fix.again': 'Run modgate doctor again to see the result.',

  'go-env.source.environment': '{name} is set in the environment',
  'go-env.source.goenv-file': '{name} was set with go env -w ({file})',
  'go-env.source.default': "{name} is the go command's default",
  'go-env.unset-comment': '# and remove it from your shell profile / CI settings',
  'go-env.no-go': 'not checked: the go command could not be run (see go.version)',
} as const;

export default report;
