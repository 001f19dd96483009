import type { Translation } from '../../../i18n/index.js';
import type endToEnd from '../en/end-to-end.js';

const zhEndToEnd: Translation<typeof endToEnd> = {
  'e2e.no-go': '无法运行 go 命令（见 go.version）',
  'e2e.no-module': '不在模块或工作区中：没有要下载的内容',
  'e2e.nothing': 'go.mod 中没有需要下载的依赖',
  'e2e.no-temp': '无法为一次性模块缓存创建临时目录：{error}',
  'e2e.no-public': 'go.mod 中没有公开模块',
  'e2e.no-private': 'go.mod 中没有私有模块（没有模块匹配 GOPRIVATE/GONOPROXY）',
  'e2e.kind.public': '公开模块',
  'e2e.kind.private': '私有模块',
  'e2e.route.private': '直接从其仓库获取（GOPRIVATE/GONOPROXY）',
  'e2e.route.public': '经由 GOPROXY={goproxy}',
  'e2e.ok': 'go mod download（{kind}，{route}）成功',
  'e2e.timeout':
    'go mod download（{kind}）在 {ms} 毫秒内没有完成 → 请看“网络”一节的结果（network.tcp、network.http）',
  'e2e.timeout.why': '用本机设置运行的 go 命令本身就卡在这个模块上：网络悄悄丢包，或者主机太慢',
  'e2e.timeout.fix': '# 先修复“网络”一节的问题：network.tcp、network.http',
  'e2e.unexplained':
    'go mod download（{kind}）失败，其他各节都解释不了：请看下面 go 命令的原始报错',
  'e2e.failed': 'go mod download（{kind}）失败：{cause} → 请看“{layer}”一节的结果（{checks}）',
  'e2e.failed.why': '这就是用本机设置运行的 go 命令本身：`go mod download` 会以同样的方式失败',
  'e2e.failed.fix': '# 先修复“{layer}”一节的问题：{checks}',
  'e2e.layer.go': 'Go 环境',
  'e2e.layer.module': '模块依赖',
  'e2e.layer.network': '网络',
  'e2e.layer.credentials': '凭据',
  'e2e.layer.end-to-end': '端到端',
  'e2e.layer.server': '公司的 modgate',

  'e2e.cause.checksum':
    '校验和不一致（SECURITY ERROR）：下载到的代码与 go.sum 或校验和数据库中的记录不同',
  'e2e.cause.tls': 'TLS：服务器证书不受信任（未知的签发机构、已过期或主机名不符）',
  'e2e.cause.proxy': '出网 HTTP 代理（HTTPS_PROXY/HTTP_PROXY）出错',
  'e2e.cause.dns': 'DNS：有主机名无法解析',
  'e2e.cause.tcp': 'TCP：连接被拒绝或超时',
  'e2e.cause.git-credentials': 'git 没有访问私有仓库的（有效）凭据',
  'e2e.cause.sumdb-private':
    '校验和数据库中没有这个（私有）模块：它应该写进 GONOSUMDB（或 GOPRIVATE）',
  'e2e.cause.proxy-credentials':
    '模块代理要求提供凭据（401/403）：需要在 ~/.netrc 中为它的主机添加条目',
  'e2e.cause.proxy-not-found':
    '代理上没有这个模块（404/410）：发往公共代理的私有模块需要写进 GOPRIVATE/GONOPROXY',
  'e2e.cause.proxy-5xx': '模块代理返回了服务器错误（5xx）',
  'e2e.cause.discovery': 'go-get 发现失败：模块路径的 ?go-get=1 页面没有给出仓库地址',
  'e2e.cause.goproxy-off': '模块查询被 GOPROXY=off 禁用',
  'e2e.cause.go111module-off': '模块模式已关闭（GO111MODULE=off）',
  'e2e.cause.vendor': 'GOFLAGS 要求使用 vendor 目录',
  'e2e.cause.unknown-version': 'go.mod 中写的版本在仓库或代理中不存在',
};

export default zhEndToEnd;
