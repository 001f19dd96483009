import type { Translation } from '../../i18n/index.js';
import type { DoctorMessages } from './en.js';
import zhCredentials from './zh-CN/credentials.js';
import zhEndToEnd from './zh-CN/end-to-end.js';
import zhGoEnv from './zh-CN/go-env.js';
import zhModule from './zh-CN/module.js';
import zhNetwork from './zh-CN/network.js';
import zhReport from './zh-CN/report.js';
import zhServer from './zh-CN/server.js';

/**
 * `modgate doctor` 的简体中文消息：逐键对应 en.ts，按层分文件放在 zh-CN/ 下。命令、变量名、
 * 路径和 URL 保持原样，以便直接复制执行；只翻译说明文字、命令后的注释和尖括号中的占位说明。
 */
const zhCN: Translation<DoctorMessages> = {
  ...zhReport,
  ...zhGoEnv,
  ...zhModule,
  ...zhNetwork,
  ...zhCredentials,
  ...zhEndToEnd,
  ...zhServer,
};

export default zhCN;
