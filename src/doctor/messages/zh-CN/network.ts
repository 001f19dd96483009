import type { Translation } from '../../../i18n/index.js';
import type network from '../en/network.js';

const zhNetwork: Translation<typeof network> = {
  'network.none': '（无）',
  'network.for': '用于：{role}',
  'network.used-for': '用于：{use}',
  'network.first-byte': '首字节 {ms} ms',
  'network.stopped': '未尝试：doctor 运行已被中止',
  'network.earlier': '未尝试：{problem}（见 {check}）',

  'network.role.goproxy': 'GOPROXY 第 {n} 项',
  'network.role.sumdb': '校验和数据库 {name}',
  'network.role.git-host.one': '私有模块 {modules} 所在的主机',
  'network.role.git-host.other': '私有模块 {modules} 所在的主机',

  'network.route.scheme': '{scheme} 地址不使用代理',
  'network.route.unset': '未设置 {name}',
  'network.route.unparsable': '{variable} 无法解析为 URL（被忽略）',
  'network.route.localhost': 'localhost 从不走代理',
  'network.route.loopback': '回环地址从不走代理',
  'network.route.no-proxy': '{variable} 中的 {entry} 覆盖了它',

  'network.dns.nxdomain': '{host} 无法解析（NXDOMAIN：DNS 服务器说没有这个域名）',
  'network.dns.servfail': 'DNS 服务器未能解析 {host}（SERVFAIL 或无应答：临时故障）',
  'network.dns.timeout': '{ms} 毫秒内没有得到 {host} 的 DNS 应答（DNS 服务器不可达）',
  'network.dns.refused': 'DNS 服务器拒绝了对 {host} 的查询',
  'network.dns.other': '解析 {host} 失败（{code}）',
  'network.dns.use.proxy': '{subject} 的出网代理（{role}；目标域名由代理解析）',
  'network.dns.use': '{subject}（{role}）',
  'network.dns.none': '没有需要解析的主机（没有 GOPROXY 地址、校验和数据库或私有 git 主机）',
  'network.dns.ip': '{host} 是 IP 地址（无需解析）',
  'network.dns.ok': '{host} 解析为 {addresses}（{ms} ms）',
  'network.dns.fail.why':
    'go 命令无法连接域名解析不了的主机：从它下载都会报 "no such host" 或 "server misbehaving"',
  'network.dns.fix.getent':
    'getent hosts {host}   # 看本机解析器的结果（顺便检查域名有无拼写错误）',
  'network.dns.fix.vpn':
    '# 内部域名：连上 VPN，或使用公司的 DNS 服务器（/etc/resolv.conf 中的 nameserver 行）',
  'network.dns.fix.hosts': "# 或者固定地址：echo '<address> {host}' | sudo tee -a /etc/hosts",
  'network.dns.fix.proxy':
    '# 只能在外网解析的公共域名：设置出网代理，例如 export HTTPS_PROXY=http://proxy.example.com:3128',
  'network.dns.fix.servers':
    '# DNS 服务器没有应答：检查 /etc/resolv.conf 中的 nameserver 行（可能是 VPN 设置的、现在已不可达的服务器）',
  'network.dns.resolver': '解析器：先查 /etc/hosts，再查 DNS 服务器 {servers}（/etc/resolv.conf）',
  'network.dns.resolver.none': '（/etc/resolv.conf 中没有）',
  'network.dns.node-servers': 'Node 看到的 DNS 服务器：{servers}',

  'network.tcp.refused': '连接 {target} 被拒绝：那里没有服务在监听（端口不对，或服务没有运行）',
  'network.tcp.timeout': '{ms} 毫秒内 {target} 没有应答：看起来是防火墙丢弃了数据包',
  'network.tcp.unreachable':
    '没有到 {target} 的路由（{code}）：从这里到不了它所在的网络（VPN 没连上？）',
  'network.tcp.reset': '到 {target} 的连接被重置：中间有东西关闭了连接（防火墙或过滤代理）',
  'network.tcp.other': '连接 {target} 失败（{code}）',
  'network.tcp.nothing': '没有需要连接的目标',
  'network.tcp.detail.proxy': '{subject} 的出网代理（{role}）',
  'network.tcp.detail.used': '用于：{subject}（{role}）',
  'network.tcp.ok': '已连接 {target}，用时 {ms} ms',
  'network.tcp.ok.address': '已连接 {target}（{address}），用时 {ms} ms',
  'network.tcp.proxy.why': 'go 命令访问下列地址的所有请求都经过这个出网代理，因此全部会失败',
  'network.tcp.why':
    'go 命令连不上 {subject}：从它下载会失败（GOPROXY 中以 "," 分隔时下载就此停止；以 "|" 分隔时会尝试下一项）',
  'network.tcp.fix.proxy-down': '# {variable} 中的出网代理没有运行或地址有误：问清正确的地址，然后',
  'network.tcp.fix.proxy-unset': '# 或者，如果这个网络能直接访问这些主机：unset {variable}',
  'network.tcp.fix.refused': '# 那个端口没有服务在监听：检查 {role} 的地址（端口、协议）',
  'network.tcp.fix.firewall': '# 防火墙拦截或缺少路由：内部主机请连上 VPN，',
  'network.tcp.fix.via-proxy':
    '# 或者经由公司的出网代理：export HTTPS_PROXY=http://<proxy host>:<port>',
  'network.tcp.fix.goproxy.server': 'go env -w GOPROXY={goproxy}   # 公司 modgate 推荐的值',
  'network.tcp.fix.goproxy': 'go env -w GOPROXY=<可访问的代理>,direct   # 例如公司的 modgate',
  'network.tcp.fix.gosumdb': 'go env -w GOSUMDB=<name key url>   # 本机能访问的校验和数据库地址',

  'network.proxy-selection.others.https': 'curl 和 git 优先读取 https_proxy',
  'network.proxy-selection.others.http': 'curl 和 git 忽略 HTTP_PROXY，只读 http_proxy',
  'network.proxy-selection.others.no': 'curl 和 git 优先读取 no_proxy',
  'network.proxy-selection.none': '未设置出网代理：go 命令直接连接',
  'network.proxy-selection.case':
    '{upper} 与 {lower} 的值不同：go 命令使用 {upper}={upperValue}；{others}（{lower}={lowerValue}）',
  'network.proxy-selection.case.why':
    'go 命令和 git（拉取私有模块时）会走不同的路线，于是一个能用另一个不能用，而且用 curl 很难复现',
  'network.proxy-selection.case.fix': 'export {lower}="${upper}"   # 两者都用 go 命令的值',
  'network.proxy-selection.not-url': '{variable}={value} 不是 URL：go 命令会忽略它并直接连接',
  'network.proxy-selection.not-url.why':
    '代理设置悄悄失效，所有请求都会直接出去，而防火墙可能会把它们丢掉',
  'network.proxy-selection.no-scheme': '{variable}={value} 没有写协议：go 命令把它当作 {url}',
  'network.proxy-selection.no-scheme.why':
    'go 命令和 curl 默认按 http:// 处理，别的工具不一定；写明协议就不用猜了',
  'network.proxy-selection.direct': '{role}：直连，{reason}',
  'network.proxy-selection.via': '经由 {proxy}（{variable}）',
  'network.proxy-selection.proxied': '{role}：{via}',
  'network.proxy-selection.internal': '{role} {via}：NO_PROXY 没有覆盖 {host}，而它是{internal}',
  'network.proxy-selection.internal.why':
    '外部代理通常访问不到（或拒绝访问）内部主机：请求会超时，或从代理得到 403/502',
  'network.proxy-selection.no-proxy-unset': '未设置 NO_PROXY',
  'network.internal.git-host': '私有模块所在的主机',
  'network.internal.server': '公司的 modgate',
  'network.internal.private-address': '私有地址',
  'network.internal.single-label': '单标签（内网）主机名',
  'network.internal.intranet': '内网域名',

  'network.proxy-connect.none': '没有经过出网代理的 https 地址',
  'network.proxy-connect.detail.proxy': '代理：{proxy}（{variable}）',
  'network.proxy-connect.detail.answer': '应答：{line}',
  'network.proxy-connect.ok': '{proxy} 成功建立到 {target} 的隧道（{ms} ms）',
  'network.proxy-connect.refused-credentials':
    '{proxy} 不接受 {variable} 中的凭据（407 Proxy Authentication Required），CONNECT {target}',
  'network.proxy-connect.wants-credentials':
    '{proxy} 要求提供凭据（407 Proxy Authentication Required），CONNECT {target}',
  'network.proxy-connect.407.why':
    'go 命令只会发送写在代理 URL 中的 user:password（Basic 认证）；凭据不被接受时，经过代理的所有请求都会失败',
  'network.proxy-connect.407.fix':
    'export {variable}=http://<user>:<password>@{host}   # 密码中的特殊字符要做 URL 编码',
  'network.proxy-connect.407.ntlm':
    '# 要求 NTLM 或 Kerberos 认证的代理：在本机运行一个转发程序（cntlm、px），并让这个变量指向它',
  'network.proxy-connect.403': '{proxy} 拒绝建立到 {target} 的隧道（403 Forbidden）',
  'network.proxy-connect.403.why': '代理的策略禁止访问 {host}：go 命令无法经由它访问 {role}',
  'network.proxy-connect.403.ask': '# 请代理管理员放行到 {target} 的 CONNECT',
  'network.proxy-connect.403.no-proxy':
    '# 或者，如果不经代理也能访问 {host}（内部主机）：export NO_PROXY={value} no_proxy={value}',
  'network.proxy-connect.other': '{proxy} 对 CONNECT {target} 的应答是 {answer}',
  'network.proxy-connect.not-http': '非 HTTP 内容',
  'network.proxy-connect.5xx.why':
    '代理自己访问不到 {target}（它的 DNS 或它到目标主机的路由有问题）：go 命令也会同样失败',
  'network.proxy-connect.other.why': 'go 命令需要代理对 CONNECT 返回 200 才能访问目标主机',
  'network.proxy-connect.curl':
    "curl -v --proxy '{proxy}' https://{target}/   # 发同样的请求，看代理返回什么",
  'network.proxy-connect.failed': '经由 {proxy} CONNECT {target} 失败：{message}',
  'network.proxy-connect.failed.why': 'go 命令无法穿过这个代理',

  'network.tls.none': '没有需要检查的 https 地址',
  'network.tls.no-handshake': '无法与 {target} 完成 TLS 握手：{message}（{code}）',
  'network.tls.no-handshake.why':
    'go 命令无法与这个主机进行 https 通信（那个端口可能只提供明文 http，或者中间有东西切断了 TLS 连接）',
  'network.tls.no-handshake.fix':
    'openssl s_client -connect {target} -servername {host} </dev/null   # 看服务器发来了什么',
  'network.tls.verified-against': '{protocol}，用 {sources} 验证',
  'network.tls.no-ca-files': '没有 CA 文件（一个也没找到）',
  'network.tls.chain': '{i} 主体：{subject} / 签发者：{issuer} / 有效期 {from} 至 {to}',
  'network.tls.expired': '{target} 的证书已于 {date} 过期（{which}）',
  'network.tls.in-chain': '证书链中',
  'network.tls.expired.why':
    'go 命令拒绝过期的证书："x509: certificate has expired or is not yet valid"',
  'network.tls.expired.renew': '# 需要 {host} 的运维人员续期证书',
  'network.tls.expired.clock': 'date -u   # 如果很多主机都这样失败，检查本机的时钟',
  'network.tls.not-yet': '{target} 的证书在 {date} 之前无效：请检查本机的时钟',
  'network.tls.not-yet.why': 'go 命令拒绝不在有效期内的证书',
  'network.tls.not-yet.fix': 'date -u   # 然后校准时钟：sudo timedatectl set-ntp true',
  'network.tls.public-ca':
    '{target} 的证书由公共 CA（{issuer}）签发，但本机的 CA 证书库中缺少它（{error}）',
  'network.tls.unknown-ca':
    '{target} 的证书由未知的机构（{issuer}）签发：可能是解密 TLS 的代理，或者没有安装的公司 CA（doctor 无法确定是哪一种）',
  'network.tls.unknown-ca.why':
    '对这个主机的每个请求，go 命令都会报 "x509: certificate signed by unknown authority"',
  'network.tls.public-ca.fix':
    'sudo apt-get install --reinstall ca-certificates && sudo update-ca-certificates   # Debian/Ubuntu：更新公共根证书',
  'network.tls.name': '{target} 的证书不是签发给 {host} 的：{problem}',
  'network.tls.name.why': 'go 命令会报 "x509: certificate is valid for …, not {host}"',
  'network.tls.name.fix':
    '# 在 URL 中使用证书所签发的域名（{names}），例如 go env -w GOPROXY=https://<that name>/…',
  'network.tls.name.see-chain': '见证书链',
  'network.tls.name.operators':
    '# 或者请 {host} 的运维人员把 {host} 加入证书的 subject alternative names',
  'network.tls.invalid': '{target} 的证书验证不通过：{error}',
  'network.tls.invalid.why': 'go 命令拒绝验证不通过的证书',
  'network.tls.expiring': '{target} 的证书验证通过，但将在 {days} 天后过期（{date}）',
  'network.tls.expiring.why': '证书过期后下载就会失败',
  'network.tls.expiring.fix': '# 请通知 {host} 的运维人员续期证书',
  'network.tls.ok': '{target}：{host} 的证书验证通过（{issuer}，剩余 {days} 天）',
  'network.ca.get':
    '# 向 IT 部门索取公司的根 CA 证书（PEM 格式，例如 company-root-ca.crt）——不要用服务器自己发来的证书链',
  'network.ca.go-only': '# 或者只对 go 命令生效、不需要 root 权限：',
  'network.ca.cert-dir':
    'export SSL_CERT_DIR=/etc/ssl/certs:$HOME/.certs   # 把 company-root-ca.crt 复制到 ~/.certs 中',
  'network.ca.cert-file':
    'export SSL_CERT_FILE=$HOME/.certs/bundle.pem   # 会取代系统证书包：cat /etc/ssl/certs/ca-certificates.crt company-root-ca.crt > ~/.certs/bundle.pem',

  'network.http.none': '没有需要请求的地址',
  'network.http.insecure-credentials': 'go 命令拒绝向不安全的地址 {url} 发送凭据',
  'network.http.insecure-credentials.why':
    '明文 http 的 GOPROXY 地址中的 user:password 会以明文传输，所以 go 命令对它的每个请求都会失败',
  'network.http.insecure-credentials.fix':
    'go env -w GOPROXY=<同样的列表，改为 https://{hostPath} 并去掉 user:password>   # 凭据写进 ~/.netrc：machine {host} login <user> password <token>',
  'network.http.timeout':
    'GET {url}：已连接，但 {ms} 毫秒内没有 HTTP 应答（服务器卡住了，或者中间有东西占住了连接）',
  'network.http.failed': 'GET {url} 失败：{message}（{code}）',
  'network.http.failed.why':
    'go 命令会一直等这个服务器，然后下载失败（GOPROXY 中该项后面是 "," 时就此停止）',
  'network.http.failed.fix': "curl -v --max-time 30 '{url}'   # 发同样的请求，看在哪一步停住",
  'network.http.refuses-credentials': '{subject} 不接受来自 {source} 的凭据（{line}）',
  'network.http.refuses-credentials.why':
    'go 命令发送的正是这些凭据，所以对这个服务器的每个请求都会失败',
  'network.http.refuses-credentials.url.fix':
    '# 在 GOPROXY 地址中写入有效的 user:password，更好的做法是写进 ~/.netrc（go env -w GOPROXY=<去掉 user:password 的地址>）',
  'network.http.refuses-credentials.netrc.fix':
    '# 更新 {file} 中 machine {host} 的令牌或密码（保持 chmod 600）',
  'network.http.wants-credentials': '{subject} 在线，但要求提供凭据（{line}）',
  'network.http.wants-credentials.why':
    'go 命令只从 ~/.netrc（或 URL 中的 user:password）获取凭据；没有被接受的条目时，每个请求都会得到这个状态码（见凭据一节）',
  'network.http.wants-credentials.fix':
    '# 添加到 ~/.netrc（然后 chmod 600 ~/.netrc）：machine {host} login <user> password <token>',
  'network.http.5xx': '{subject} 返回服务器错误（{line}）',
  'network.http.5xx.goproxy.why':
    'GOPROXY 中该项后面是 "," 时，go 命令遇到这个错误就会停止；只有 "|" 才会让它尝试下一项',
  'network.http.5xx.why': '遇到服务器错误时 go 命令会失败',
  'network.http.5xx.goproxy.fix':
    '# {host} 上的服务器出了故障：通知其运维人员，或者让出错时换下一项：go env -w GOPROXY=<this entry>|<next entry>',
  'network.http.5xx.fix': '# {host} 上的服务器出了故障：请通知其运维人员',
  'network.http.alive': '{subject} 在线（基础地址返回 {line}，{timing}）',
  'network.http.no-module': '{subject} 上没有 {module}（{line}）：go 命令会尝试 GOPROXY 的下一项',
  'network.http.no-module.why':
    '代理上没有 go.mod 需要的公开模块时，每次下载都会转到下一项（到列表末尾就失败）',
  'network.http.no-module.fix': '# 检查 GOPROXY 地址（是否少了路径前缀？）：go env GOPROXY',
  'network.http.git-host.missing':
    '{subject} 上没有 {path}（{line}）：模块路径写错了，或者是主机对未登录用户隐藏的私有仓库',
  'network.http.git-host.such-path': '这个路径',
  'network.http.git-host.missing.why': 'go 命令找不到模块所在的仓库',
  'network.http.git-host.missing.fix':
    '# 检查 go.mod 中模块路径的大小写和拼写；私有仓库请在 ~/.netrc 中为 {host} 添加条目',
  'network.http.not-sumdb': '{subject} 不是校验和数据库（/latest 返回 {line}）',
  'network.http.not-sumdb.why': 'go 命令无法用校验和数据库校验下载的内容',
  'network.http.not-sumdb.fix': 'go env GOSUMDB   # 检查 "name key url" 中的 URL 部分',
  'network.http.redirect': '重定向到 {url}（go 命令会跟随重定向：那个服务器也必须能应答）',
  'network.http.ok': '{subject} 返回 {line}（{timing}）',

  'network.sumdb.no-answer': '无应答',
  'network.sumdb.no-answer.stage': '无应答（{stage} {code}）',
  'network.sumdb.directly': '直连',
  'network.sumdb.through': '经由 {url}',
  'network.sumdb.unavailable':
    '校验和数据库 {name} 不可用：{url} 对 /sumdb/{name}/supported 返回 {status}，go 命令就此停止',
  'network.sumdb.unavailable.why':
    '后面跟 "," 的 GOPROXY 项必须对这个请求返回 200（它提供该数据库）或 404/410（去问下一项）；其他任何应答都会让所有需要校验和的下载失败',
  'network.sumdb.unavailable.fix':
    '# 修复这个代理，或者让 go 命令出错时换下一项：在 GOPROXY 中把 {url} 后面的分隔符改成 "|"',
  'network.sumdb.unavailable.name':
    "go env -w GOSUMDB='{name} <key> <url>'   # 或者明确写出数据库的地址",
  'network.sumdb.ok': '校验和数据库 {name} 可以访问（{via}，首字节 {ms} ms）',
  'network.sumdb.bad': '校验和数据库 {name}（{via}）对 /latest 返回 {status}',
  'network.sumdb.bad.why': 'go 命令无法用校验和数据库校验新下载的内容',
  'network.sumdb.unreachable':
    '校验和数据库 {name}（{via}；没有 GOPROXY 项提供它）无法访问，{host} 出错：{problem}',
  'network.sumdb.unreachable.why':
    'go 命令会用校验和数据库校验每个新的公开模块；访问不了时，这类下载全部失败',
  'network.sumdb.unreachable.fix':
    '# 使用提供校验和数据库的 GOPROXY（modgate 就提供：/sumdb/<name>/supported），',
  'network.sumdb.unreachable.golang':
    "go env -w GOSUMDB='sum.golang.org https://<它的一个可访问地址>'   # 或者写一个能访问的地址",
  'network.sumdb.unreachable.other':
    "go env -w GOSUMDB='<its key> https://<它的一个可访问地址>'   # 或者写一个能访问的地址",
};

export default zhNetwork;
