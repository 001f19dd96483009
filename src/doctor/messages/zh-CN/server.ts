import type { Translation } from '../../../i18n/index.js';
import type server from '../en/server.js';

const zhServer: Translation<typeof server> = {
  'server.fetch.not-url': '--server {url} 不是 URL',
  'server.fetch.not-http': '--server {url} 不是 http 或 https 地址',
  'server.fetch.status': '{url} 返回 {status}',
  'server.fetch.timeout': '{ms} 毫秒内没有应答',
  'server.fetch.unreadable': '无法读取 {url}：{error}',
  'server.fetch.invalid': '{url} 不是 modgate 的 client-config：{error}',
  'server.client-config.none': '没有指定公司的 modgate（--server URL 或 MODGATE_SERVER）',
  'server.client-config.offline': '--offline：没有访问 {url}',
  'server.client-config.unreadable': '无法读取公司 modgate 的客户端配置：{problem}',
  'server.client-config.unreadable.why': 'doctor 无法把本机设置与公司 modgate 期望的设置进行比对',
  'server.client-config.unreadable.fix':
    'curl -fsS {url}/.well-known/modgate/client-config   # 这是 modgate 的地址吗？（网络一节会显示连接在哪一步失败）',
  'server.client-config.no-go': '未比对：无法运行 go 命令',
  'server.client-config.goproxy.ok': '第一项是公司的 modgate {url}',
  'server.client-config.goproxy.other': 'GOPROXY={value} 的第一项不是公司的 modgate {url}',
  'server.client-config.goproxy.why':
    '模块会从别处获取：私有模块下载失败，公开模块也用不上公司的缓存和检查',
  'server.client-config.private.none': '公司的 modgate 没有配置私有模块规则',
  'server.client-config.private.ok': '已覆盖公司的私有模块规则 {patterns}',
  'server.client-config.private.missing.one': '公司的私有模块规则 {patterns} 不在 GONOSUMDB 中',
  'server.client-config.private.missing.other': '公司的私有模块规则 {patterns} 不在 GONOSUMDB 中',
  'server.client-config.private.missing.one.goprivate':
    '公司的私有模块规则 {patterns} 不在 GONOSUMDB 中（也不在 GOPRIVATE 中）',
  'server.client-config.private.missing.other.goprivate':
    '公司的私有模块规则 {patterns} 不在 GONOSUMDB 中（也不在 GOPRIVATE 中）',
  'server.client-config.private.why':
    '这些模块路径会被拿去查询公共校验和数据库：模块名流出公司，而且查询会失败（"verifying go.mod: … 404 Not Found"）',
  'server.client-config.private.detail': '公司的私有模块规则：{patterns}',
  'server.client-config.gosumdb.none': '公司的 modgate 没有推荐 GOSUMDB',
  'server.client-config.gosumdb.ok': '{value}（与公司 modgate 的推荐一致）',
  'server.client-config.gosumdb.other': 'GOSUMDB={value}，公司的 modgate 推荐 {wanted}',
  'server.client-config.gosumdb.why':
    '下载的模块会用公司期望之外的校验和数据库来校验（或者根本不校验）',
};

export default zhServer;
