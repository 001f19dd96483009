import type { Translation } from '../../../i18n/index.js';
import type goEnv from '../en/go-env.js';

const zhGoEnv: Translation<typeof goEnv> = {
  'go.facts.not-found': '在 PATH 中找不到 go',
  'go.facts.not-started': '无法启动 go：{error}',
  'go.facts.not-json': 'go env -json 输出的不是 JSON',
  'go.facts.timeout': '{what} 在 {ms} 毫秒内没有完成',
  'go.facts.failed': '{what} 执行失败',
  'go.facts.failed.line': '{what} 执行失败：{line}',
  'go.version.missing': '无法运行 go 命令',
  'go.version.missing.why': 'go mod download 本身就是 go 命令；doctor 也需要用它读取 go env',
  'go.version.missing.fix':
    '从 https://go.dev/dl/（或系统包管理器）安装 Go，并把它的 bin 目录加入 PATH',
  'go.version.ok': '{version}，位于 {binary}',
  'go.version.old': '{version} 低于模块要求的 go {wanted}',
  'go.version.old.unreadable.why':
    'Go 1.21 之前的版本无法解析 "go {wanted}" 这一行：在这个模块里执行任何 go 命令都会报 "invalid go version"',
  'go.version.old.why': '模块声明需要 go {wanted}：当前的 go 能下载依赖，但可能无法编译这个模块',
  'go.version.old.fix': '从 https://go.dev/dl/ 安装 go {wanted} 或更高版本',
  'go.version.old.detail': 'go 版本要求来自 {files}',

  'go.go111module.off': 'GO111MODULE=off：模块模式已关闭',
  'go.go111module.off.why':
    'go mod download 会报 "modules disabled by GO111MODULE=off"；go build 会忽略 go.mod，转而到 GOPATH 中查找依赖',
  'go.go111module.invalid': 'GO111MODULE={value} 不是 on、off 或 auto',
  'go.go111module.invalid.why': '所有 go 命令都会报 "unknown environment setting GO111MODULE"',
  'go.go111module.gopath':
    '在 {dir} 中 GO111MODULE=auto 且没有 go.mod：go 命令在这里使用 GOPATH 模式',
  'go.go111module.gopath.why': '依赖取自 GOPATH/src，而不是模块代理；go mod download 拒绝执行',
  'go.go111module.gopath.fix': 'go mod init <module path>   # 在项目目录中执行',
  'go.go111module.default': '模块模式已开启（默认）',

  'go.goproxy.unparsable.empty': '空值不是可用的 GOPROXY 列表：{error}',
  'go.goproxy.unparsable': '"{value}" 不是可用的 GOPROXY 列表：{error}',
  'go.goproxy.unparsable.why': '使用这个 GOPROXY 时，go 命令会拒绝所有模块下载',
  'go.goproxy.after-stop': '"{stop}" 之后的条目永远不会被使用：{entries}',
  'go.goproxy.after-stop.why': 'go 命令读到 "{stop}" 就不再往后读 GOPROXY',
  'go.goproxy.off': 'GOPROXY=off：模块缓存中没有的模块都无法下载',
  'go.goproxy.off.why': 'off 会禁用所有模块下载（"module lookup disabled by GOPROXY=off"）',
  'go.goproxy.empty-entries': '列表中有空条目（",," 或开头/结尾多了分隔符）',
  'go.goproxy.empty-entries.why': 'go 命令会悄悄跳过空条目：本应存在的某个代理可能漏掉了',
  'go.goproxy.http': '{url} 使用明文 http',
  'go.goproxy.http.why':
    '模块（以及 URL 中的凭据）以明文在网络上传输；私有模块又不受校验和数据库保护',
  'go.goproxy.next.any': '（| 任何错误都尝试下一个）',
  'go.goproxy.next.not-found': '（, 仅在 404/410 时尝试下一个）',

  'go.gosumdb.off': 'GOSUMDB=off：下载的模块不经过校验和数据库校验',
  'go.gosumdb.off.why':
    '模块版本被篡改或替换也无从发现；如果只想让私有模块跳过校验，把它们写进 GONOSUMDB（或 GOPRIVATE）即可',
  'go.gosumdb.unparsable': '"{value}" 不是可用的 GOSUMDB：{error}',
  'go.gosumdb.unparsable.why':
    '凡是需要 go.sum 中尚不存在的记录的下载都会失败（"verifying module: invalid GOSUMDB"）',
  'go.gosumdb.unparsable.fix':
    'sum.golang.org 以外的数据库需要完整的公钥：GOSUMDB="<name>+<hash>+<key> [<url>]"',
  'go.gosumdb.no-url': '只给了 {name} 的公钥，没有给 URL',
  'go.gosumdb.no-url.why':
    'go 命令会先向每个 GOPROXY 请求 /sumdb/{name}/supported，否则直接连接 https://{name}；两者都不提供这个数据库时，所有新模块都会校验失败',
  'go.gosumdb.no-url.fix': "go env -w GOSUMDB='{value} https://<提供 {name} 的 URL>'",
  'go.gosumdb.ok.server':
    '{name}，经由公司 modgate 的 /sumdb/{name}/（其 client-config 推荐的 GOSUMDB）',
  'go.gosumdb.ok.url': '{name}，位于 {url}',

  'go.private-patterns.none': '未设置私有模块规则（所有模块都经过 GOPROXY 和校验和数据库）',
  'go.private-patterns.space': '值中含有空白字符（规则之间只能用逗号分隔，go 命令不会去掉空格）',
  'go.private-patterns.scheme': '"{pattern}" 带有协议前缀（规则写的是模块路径，不是 URL）',
  'go.private-patterns.bad-glob': '"{pattern}" 不是合法的通配符模式',
  'go.private-patterns.slash': '"{pattern}" 以 "/" 结尾（go 命令会忽略它）',
  'go.private-patterns.empty': '值中有空元素',
  'go.private-patterns.problems': '"{value}"：{problems}',
  'go.private-patterns.never.GOINSECURE': '永远匹配不上的规则，会让这些私有模块仍然只能走 https',
  'go.private-patterns.never.GONOPROXY': '永远匹配不上的规则，会让这些私有模块走公共代理',
  'go.private-patterns.never.GONOSUMDB':
    '永远匹配不上的规则，会让这些私有模块去查公共校验和数据库（模块名外泄，下载校验失败）',
  'go.private-patterns.never.GOPRIVATE':
    '永远匹配不上的规则，会让这些私有模块走公共代理和公共校验和数据库（模块名外泄，下载失败）',
  'go.private-patterns.ignored': 'go 命令会忽略这部分，实际效果可能与预期不符',
  'go.private-patterns.over.GONOSUMDB.one':
    '设置了 GONOSUMDB，它会在校验和数据库这一项上取代 GOPRIVATE：{paths} 不在其中',
  'go.private-patterns.over.GONOSUMDB.other':
    '设置了 GONOSUMDB，它会在校验和数据库这一项上取代 GOPRIVATE：{paths} 不在其中',
  'go.private-patterns.over.GONOPROXY.one':
    '设置了 GONOPROXY，它会在代理这一项上取代 GOPRIVATE：{paths} 不在其中',
  'go.private-patterns.over.GONOPROXY.other':
    '设置了 GONOPROXY，它会在代理这一项上取代 GOPRIVATE：{paths} 不在其中',
  'go.private-patterns.over.GONOSUMDB.why':
    '这些私有路径会被拿去查询公共校验和数据库：模块名流出公司，而且查询会失败',
  'go.private-patterns.over.GONOPROXY.why':
    '这些私有路径会经由 GOPROXY 获取（如果是提供它们的公司内部代理则没问题，如果是公共代理就是泄露）',

  'go.goflags.empty': '（空）',
  'go.goflags.non-flag': '"{word}" 不是命令行参数',
  'go.goflags.non-flag.why': '所有 go 命令都会报 "parsing $GOFLAGS: non-flag"',
  'go.goflags.vendor': '设置了 {flag}，但 {dir} 中没有 modules.txt',
  'go.goflags.vendor.why':
    '编译时只从 vendor/ 读取依赖，因此会失败（"inconsistent vendoring"、"can\'t compute \'all\' using the vendor directory"）',
  'go.goflags.vendor.fix': '或者保留 -mod=vendor 并执行：go mod vendor',
  'go.goflags.insecure': '{flag} 从 Go 1.17 起已被忽略',
  'go.goflags.insecure.why':
    '在旧版 go 命令中它会关闭所有下载的 TLS 校验；请改用 GOINSECURE=<patterns>，只对确实需要的主机放开',

  'go.cache-dirs.what.GOMODCACHE': '模块缓存',
  'go.cache-dirs.what.GOCACHE': '编译缓存',
  'go.cache-dirs.none': '没有{what}目录',
  'go.cache-dirs.relative': '{name}={dir} 不是绝对路径',
  'go.cache-dirs.none.why': 'go 命令每次下载和编译都需要{what}',
  'go.cache-dirs.unwritable': '{dir} 不可写（{code}）',
  'go.cache-dirs.unwritable.parent': '{dir} 不可写（{code}）——用来创建它的 {existing} 也不可写',
  'go.cache-dirs.unwritable.GOMODCACHE.why':
    'go mod download 把每个模块都存放在这里，因此所有下载都会失败（"mkdir … permission denied" / "read-only file system"）',
  'go.cache-dirs.unwritable.GOCACHE.why': '所有编译都无法写入结果',
  'go.cache-dirs.unwritable.fix':
    'chmod -R u+w {dir}   # 或者：sudo chown -R "$(id -u):$(id -g)" {dir}',
  'go.cache-dirs.unwritable.fix.other': '或者换一个目录：go env -w {name}=<你有权限的目录>',
  'go.cache-dirs.low-space': '所在磁盘只剩 {mib} MiB 可用空间',
  'go.cache-dirs.low-space.why': '模块 zip 会解压到这里；磁盘写满会让下载中途失败',
  'go.cache-dirs.temporary': '位于临时目录 {tmp} 之下',
  'go.cache-dirs.temporary.why':
    '临时目录会在重启时或被清理程序清空：所有模块都要重新下载，清理到一半的缓存还会导致编译出错',
  'go.cache-dirs.free': '可用空间 {mib} MiB',
  'go.cache-dirs.ok': '{dir}（可写）',
  'go.cache-dirs.problems': '{dir}：{problems}',
  'go.cache-dirs.move.fix': 'go env -w {name}=<空间充足、且不在临时目录下的目录>',
  'go.cache-dirs.move.tmp.fix': 'go env -w {name}=<空间充足、且不在 {tmp} 下的目录>',

  'go.gowork.missing': 'GOWORK 指向的 {file} 不存在',
  'go.gowork.missing.why': '所有 go 命令都会报 "GOWORK file does not exist"',
  'go.gowork.missing.fix':
    'unset GOWORK   # 并从 shell 配置文件 / CI 配置中删除（go env -w 无法设置 GOWORK）',
  'go.gowork.missing.detail': '环境变量中 GOWORK={file}',
  'go.gowork.off': 'off：忽略 go.work 文件',
  'go.gowork.none': '不在工作区（workspace）中',
  'go.gowork.workspace': '工作区 {file}（{n} 个模块）',
};

export default zhGoEnv;
