import credentials from './en/credentials.js';
import endToEnd from './en/end-to-end.js';
import goEnv from './en/go-env.js';
import moduleMessages from './en/module.js';
import network from './en/network.js';
import report from './en/report.js';
import server from './en/server.js';

/**
 * `modgate doctor`'s messages in English: the reference catalog, one part per layer under
 * en/ (zh-CN.ts translates it key by key; test/i18n checks both have every key with the same
 * placeholders). Keys are `report.*`, `run.*`, `fix.*` for the report's frame and
 * `<check id>.<case>` for the findings of a check. The English text of a finding is also what
 * `--json` prints (it is language-neutral: the check ids are the stable codes, the texts stay
 * English), so a change here is a change of that output. Commands in fixes (`go env -w …`,
 * `export …`) are the same in every language; only their comments and placeholders
 * (`<a directory you own>`) are translated.
 */
const en = {
  ...report,
  ...goEnv,
  ...moduleMessages,
  ...network,
  ...credentials,
  ...endToEnd,
  ...server,
} as const;

export default en;
export type DoctorMessages = typeof en;
