import type { Translation } from '../../i18n/index.js';
import type { DoctorMessages } from './en.js';

/**
 * `modgate doctor` 的中文消息（简体）。逐键对应 en.ts；命令、变量名、路径和 URL 保持原样，
 * 以便直接复制执行。
 */
const zhCN: Translation<DoctorMessages> = {
  'report.layer.go': 'Go 环境',
  'report.layer.module': '模块依赖',
  'report.layer.network': '网络',
  'report.layer.credentials': '凭据',
  'report.layer.end-to-end': '端到端',
  'report.layer.server': '公司的 modgate',
  'report.why': '原因：{text}',
  'report.fix': '修复：{text}',
  'report.summary.problem.one': '{n} 个问题',
  'report.summary.problem.other': '{n} 个问题',
  'report.summary.warning.one': '{n} 个警告',
  'report.summary.warning.other': '{n} 个警告',
  'report.summary.ok': '{n} 项正常',
  'report.summary.skipped': '{n} 项跳过',
  'report.summary.separator': '，',
  'report.summary.incomplete': '{text}（doctor 未能完成全部检查）',
};

export default zhCN;
