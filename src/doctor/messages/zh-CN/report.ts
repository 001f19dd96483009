import type { Translation } from '../../../i18n/index.js';
import type report from '../en/report.js';

const zhReport: Translation<typeof report> = {
  'report.layer.go': 'Go 环境',
  'report.layer.module': '模块依赖',
  'report.layer.network': '网络',
  'report.layer.credentials': '凭据',
  'report.layer.end-to-end': '端到端',
  'report.layer.server': '公司的 modgate',
  'report.why': '原因：{text}',
  'report.fix': '修复：{text}',
  'report.heading': 'modgate doctor {version} — {dir}',
  'report.heading.go': 'modgate doctor {version} — {dir}（{go}）',
  'report.summary.problem.one': '{n} 个问题',
  'report.summary.problem.other': '{n} 个问题',
  'report.summary.warning.one': '{n} 个警告',
  'report.summary.warning.other': '{n} 个警告',
  'report.summary.ok': '{n} 项正常',
  'report.summary.skipped': '{n} 项跳过',
  'report.summary.separator': '，',
  'report.summary.incomplete': '{text}（doctor 未能完成全部检查）',
  'report.list.separator': '；',

  'run.skip.offline': '已跳过：使用了 --offline',
  'run.skip.deadline': '已跳过：整体运行时间已到上限',
  'run.skip.unfinished': '整体运行时间到达上限时尚未完成',
  'run.skip.nothing': '没有需要检查的内容',
  'run.skip.error': 'doctor 无法执行这项检查：{message}',

  'fix.none': '--fix：没有需要应用的 go env 修改',
  'fix.applying': '--fix：正在应用 {n} 项 go env 修改：',
  'fix.failed': '失败',
  'fix.environment':
    '环境变量中也设置了 {name}，它的优先级高于 go env -w：请执行 unset {name}（并从 shell 配置文件中删除）',
  'fix.again': '请再次运行 modgate doctor 查看结果。',

  'go-env.source.environment': '{name} 来自环境变量',
  'go-env.source.goenv-file': '{name} 由 go env -w 设置（{file}）',
  'go-env.source.default': '{name} 为 go 命令的默认值',
  'go-env.unset-comment': '# 并从 shell 配置文件 / CI 配置中删除',
  'go-env.no-go': '未检查：无法运行 go 命令（见 go.version）',
};

export default zhReport;
