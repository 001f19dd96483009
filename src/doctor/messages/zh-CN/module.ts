import type { Translation } from '../../../i18n/index.js';
import type moduleMessages from '../en/module.js';

const zhModule: Translation<typeof moduleMessages> = {
  'module.none': '在 {dir} 及其上级目录中没有找到 go.mod 或 go.work',
  'module.no-go': '未检查：无法运行 go 命令',

  'module.files.unreadable': '无法读取模块文件：{problem}',
  'module.files.unreadable.why': '这个模块里的每条 go 命令都会因同一个错误而停止',
  'module.files.unreadable.fix':
    '修正上面指出的那一行（go mod edit -fmt 可以显示 go 命令接受的写法）',
  'module.files.ok':
    '{modules}：{requirements} 个依赖，{fetched} 个需要下载，其中 {private} 个按本机规则属于私有模块',
  'module.files.no-module-line': '（没有 module 行）',
  'module.files.direct': '（GONOPROXY：直连）',
  'module.files.not-checked': '（GONOSUMDB：不校验）',

  'module.go-sum.ok': 'go.sum 中已有全部 {n} 个待下载模块的记录',
  'module.go-sum.missing.one': 'go.sum 中缺少 {n} 个依赖的记录：{modules}',
  'module.go-sum.missing.other': 'go.sum 中缺少 {n} 个依赖的记录：{modules}',
  'module.go-sum.missing.why':
    '补上这些记录之前，编译会报 "missing go.sum entry"（下次下载时会向校验和数据库查询这些记录）',

  'module.path-case.why': 'go 命令会拒绝整个 go.mod',
  'module.path-case.fix': '修正 {file} 中的路径（模块路径以小写主机名开头），然后执行：go mod tidy',
  'module.path-case.collision': '有依赖的路径只有大小写不同：{paths}',
  'module.path-case.collision.why':
    '只有一种写法是模块的真实路径（另一种会报 "module declares its path as"），两者同时出现还会报 "case-insensitive import collision"',
  'module.path-case.collision.fix':
    '在所有 import 和 {file} 中统一使用模块自己的 go.mod 所声明的写法，然后执行：go mod tidy',
  'module.path-case.ok': '{n} 个依赖路径格式正确',

  'module.private-paths.public-proxy': '公共代理 {proxies}',
  'module.private-paths.public-sumdb': '公共校验和数据库 {name}',
  'module.private-paths.and': ' 和 ',
  'module.private-paths.none': '没有看起来像私有模块的依赖',
  'module.private-paths.ok.one': '{n} 个私有模块不会发往公共服务',
  'module.private-paths.ok.other': '{n} 个私有模块不会发往公共服务',
  'module.private-paths.known': '{path} 是私有模块，却会被发往{services}',
  'module.private-paths.looks':
    '{path} 看起来是私有模块（与主模块同属 {pattern}），却会被发往{services}',
  'module.private-paths.known.why':
    '模块名会流出公司，而公共服务上也没有这个模块：go mod download 会失败（代理返回 404/410，校验和数据库返回 "verifying go.mod: … 404 Not Found"）',
  'module.private-paths.looks.why':
    '模块名会流出公司，而公共服务上也没有这个模块：go mod download 会失败（代理返回 404/410，校验和数据库返回 "verifying go.mod: … 404 Not Found"）；如果它其实是公开模块，可以忽略这一条',
  'module.private-paths.server': '公司的 modgate 提供这些私有模块：{patterns}',

  'module.proxy-bypass.no-server':
    '未检查：没有 --server（或 MODGATE_SERVER）时无法得知公司代理提供哪些路径',
  'module.proxy-bypass.no-go': '未检查：无法运行 go 命令',
  'module.proxy-bypass.unread': '未检查：没有读到公司 modgate 的设置（见 server.client-config）',
  'module.proxy-bypass.ok': '所有私有模块都经由 {url} 获取',
  'module.proxy-bypass.gonoproxy': 'GONOPROXY 让 {path} 绕过了提供它的公司代理 {url}',
  'module.proxy-bypass.goprivate':
    'GOPRIVATE（未设置 GONOPROXY 时由它决定）让 {path} 绕过了提供它的公司代理 {url}',
  'module.proxy-bypass.why':
    'go 命令会改为直接从代码托管平台拉取：这需要本机能连到该主机并有 git 凭据，而这些往往只有代理才有',
  'module.proxy-bypass.served': '公司的 modgate 提供：{patterns}',

  'module.replace-dirs.none': '没有指向目录的 replace',
  'module.replace-dirs.drop': '(cd {dir} && go mod edit -dropreplace={drop})   # 改用已发布的模块',
  'module.replace-dirs.missing': 'replace 指向的目录 {dir} 不存在',
  'module.replace-dirs.missing.why':
    '所有需要加载模块依赖图的 go 命令都会失败（"reading …/go.mod: no such file or directory"）',
  'module.replace-dirs.missing.fix': '把模块源码放到 {dir}（例如用 git clone 克隆到那里）',
  'module.replace-dirs.in': 'replace 写在 {file} 中',
  'module.replace-dirs.no-go-mod': '{dir} 中没有 go.mod',
  'module.replace-dirs.no-go-mod.why': 'go 命令需要读取替换目录中的 go.mod，没有它就会失败',
};

export default zhModule;
