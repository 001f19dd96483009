import type { Translation } from '../../../i18n/index.js';
import type credentials from '../en/credentials.js';

const zhCredentials: Translation<typeof credentials> = {
  'credentials.netrc.present': '{file} 中有条目（login ***）',
  'credentials.netrc.netrc-only':
    '条目写在 NETRC（{file}）中，而 git 会忽略它：git（curl）只读取 ~/.netrc',
  'credentials.netrc.netrc-only.why': '{reason}；go 命令自己的请求读取 NETRC，它调用的 git 却不读',
  'credentials.netrc.helper':
    '{file} 中没有条目；git 的凭据助手可能会提供（credentials.git-ls-remote 会实际尝试）',
  'credentials.netrc.missing': '{file} 中没有条目',
  'credentials.netrc.missing.why': '{reason}；没有条目（也没有凭据助手）时，请求不带任何凭据',
  'credentials.netrc.absent': '不存在',
  'credentials.netrc.absent.unneeded': '不存在（这里没有需要它的主机）',
  'credentials.netrc.unreadable': '无法读取：{error}',
  'credentials.netrc.not-readable': '不可读',
  'credentials.netrc.mode': '权限 {mode}',
  'credentials.netrc.machines': '主机：{machines}',
  'credentials.netrc.machines.none': '主机：（无）',
  'credentials.netrc.default': '有 `default` 条目：git 会把它用于其他所有主机，go 命令则忽略它',
  'credentials.netrc.readable.all': '所有用户都可读（权限 {mode}）',
  'credentials.netrc.readable.group': '同组用户可读（权限 {mode}）',
  'credentials.netrc.readable.why': '文件中以明文保存密码和令牌；本机的其他账号都能读到',
  'credentials.netrc.ok.one': '权限 {mode}，{n} 个条目',
  'credentials.netrc.ok.other': '权限 {mode}，{n} 个条目',
  'credentials.netrc.incomplete': '{file} 中缺少 login 或 password：go 命令会忽略这个主机',
  'credentials.netrc.incomplete.why': 'go 命令只使用 machine、login、password 三者齐全的条目',
  'credentials.netrc.incomplete.fix':
    '# 补全 {file} 中的这一行：machine {machine} login <user> password <token>',
  'credentials.netrc.reason.git': 'git 要从 {host} 拉取私有模块 {module}',
  'credentials.netrc.reason.server': '位于 {host} 的公司 modgate 要求提供凭据',
  'credentials.netrc.reason.goproxy': 'GOPROXY 中有 {host}',

  'credentials.git.missing': '无法运行 git',
  'credentials.git.missing.needed.why': 'go 命令要调用 git 拉取 {modules}（GOPRIVATE/GONOPROXY）',
  'credentials.git.missing.why':
    'go 命令直接拉取任何模块时都需要 git（GOPROXY=direct 或 GONOPROXY）',
  'credentials.git.missing.fix':
    'sudo apt-get install git   # 或者：brew install git，或所用平台的软件包',
  'credentials.git.ok': '已安装 {version}',
  'credentials.git.no-helper': '未设置：git 只从 ~/.netrc 中查找 https 凭据',
  'credentials.git.not-installed': '没有安装 git（PATH 中找不到）',
  'credentials.git.version-timeout': 'git --version 在 {ms} 毫秒内没有应答',
  'credentials.git.version-failed': 'git --version 执行失败：{error}',

  'credentials.git-rewrites.no-git': 'git 不可用（见 credentials.git）',
  'credentials.git-rewrites.token': 'url.{base}.insteadOf 中以明文写着凭据（{origin}）',
  'credentials.git-rewrites.token.why':
    'git 配置文件往往所有人可读，还经常被到处复制；令牌应该放在 ~/.netrc（权限 600）或凭据助手中',
  'credentials.git-rewrites.token.fix': 'git config --global --edit   # 把令牌从 url.{base} 中移走',
  'credentials.git-rewrites.as-is': '{url} 按原样拉取（没有适用的 insteadOf 规则）',
  'credentials.git-rewrites.rewritten': '{url} → {to}',
  'credentials.git-rewrites.rewritten.ssh': '{url} → {to}（ssh：需要密钥，见 credentials.ssh）',
  'credentials.git-rewrites.none': '没有 url.<base>.insteadOf 规则',
  'credentials.git-rewrites.unrelated': '{n} 条 insteadOf 规则，都与这里的私有模块无关',

  'credentials.ssh.none': '没有通过 ssh 访问的私有仓库',
  'credentials.ssh.keys': 'SSH 密钥：{keys}；agent：{agent}',
  'credentials.ssh.keys.none-on-disk': '磁盘上没有',
  'credentials.ssh.no-key': '没有 SSH 密钥：~/.ssh 中没有；agent：{agent}',
  'credentials.ssh.no-key.why': 'git 通过 ssh 访问 {urls}，需要一把服务器认可的密钥',
  'credentials.ssh.no-key.fix':
    '# 然后把 ~/.ssh/id_ed25519.pub 添加到你在 git 平台上的账号，或者删除把 https 改写成 ssh 的 insteadOf 规则（credentials.git-rewrites）',
  'credentials.ssh.agent.none': '没有 agent（未设置 SSH_AUTH_SOCK）',
  'credentials.ssh.agent.one': 'agent 中有 {n} 把密钥',
  'credentials.ssh.agent.other': 'agent 中有 {n} 把密钥',
  'credentials.ssh.agent.empty': 'agent 中没有密钥（ssh-add ~/.ssh/id_ed25519）',
  'credentials.ssh.agent.broken': 'SSH_AUTH_SOCK 指向的 agent 没有应答（{error}）',
  'credentials.ssh.known': '已在 ~/.ssh/known_hosts 中',
  'credentials.ssh.unknown': '不在 ~/.ssh/known_hosts 中',
  'credentials.ssh.unknown.why':
    'ssh 在批处理模式下（go 命令调用 git 时就是这样）会拒绝无法验证的主机密钥："Host key verification failed"',
  'credentials.ssh.keygen-failed': '无法运行 ssh-keygen：{error}',
  'credentials.ssh.no-ssh': '没有安装 ssh（PATH 中找不到）',
  'credentials.ssh.no-ssh.why': 'git 访问 ssh:// 地址的仓库需要 ssh',
  'credentials.ssh.failed': 'ssh -T：{summary}',
  'credentials.ssh.ok': 'ssh -T：认证成功',

  'credentials.git-ls-remote.none': '没有直接拉取的私有模块（没有模块匹配 GONOPROXY/GOPRIVATE）',
  'credentials.git-ls-remote.no-url': '没有仓库地址',
  'credentials.git-ls-remote.no-url.why': 'go 命令用同样的方式查找仓库，在这里也会失败',
  'credentials.git-ls-remote.no-url.fix':
    "curl -sS 'https://{module}?go-get=1' | grep go-import   # 看看服务器返回了什么",
  'credentials.git-ls-remote.via': '（经由 {url}）',
  'credentials.git-ls-remote.ok': 'git ls-remote {url}{via}：仓库有应答',
  'credentials.git-ls-remote.failed': 'git ls-remote {url}{via}：{summary}',
  'credentials.repo.offline': '它的仓库需要通过 go-get 发现（已跳过：使用了 --offline）',
  'credentials.repo.discovery': 'go-get 发现失败：{problem}',
  'credentials.repo.not-git': '它的仓库是 {vcs}，不是 git（未检查）',

  'git-error.timeout': '没有及时应答',
  'git-error.timeout.why': 'go 命令在这里也会卡住；悄无声息的丢包通常是防火墙或主机不可达',
  'git-error.timeout.fix': '见网络一节中关于 {host} 的结果',
  'git-error.host-key':
    '{host} 的 SSH 主机密钥不在 ~/.ssh/known_hosts 中（Host key verification failed）',
  'git-error.host-key.why': '在批处理模式下（go 命令调用时就是这样）ssh 会拒绝无法验证的主机',
  'git-error.publickey': '{host} 拒绝了提供的所有 SSH 密钥（Permission denied (publickey)）',
  'git-error.publickey.why': 'git 通过 ssh 访问这个仓库，而服务器不接受已加载的任何密钥',
  'git-error.publickey.keygen': 'ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519   # 如果还没有密钥',
  'git-error.publickey.add': '# 然后把 ~/.ssh/id_ed25519.pub 添加到你在 {host} 上的账号',
  'git-error.rejected.from': '{host} 拒绝了 git 发送的凭据（来自 {source}）',
  'git-error.rejected': '{host} 拒绝了 git 发送的凭据',
  'git-error.rejected.why': '令牌已过期、已被吊销，或者没有这个仓库的读权限',
  'git-error.rejected.from.fix': '# 把 {source} 中 {host} 的令牌换成有效的：',
  'git-error.rejected.fix': '# 把 ~/.netrc（或凭据助手）中 {host} 的令牌换成有效的：',
  'git-error.missing': '需要凭据，而 git 没有 {host} 的凭据',
  'git-error.missing.why':
    'go 命令调用 git 时不允许交互式输入：没有 .netrc 条目、凭据助手也没有给出凭据时，下载就会失败',
  'git-error.not-found': '找不到仓库',
  'git-error.not-found.why':
    '模块路径或改写规则写错了，或者是凭据看不到的私有仓库（很多平台对此返回 404 而不是 403）',
  'git-error.not-found.fix': 'git ls-remote {url}   # 检查地址，以及你的账号能否读取它',
  'git-error.dns': '{host} 无法解析',
  'git-error.dns.why': 'git 连不上仓库所在的主机',
  'git-error.dns.fix': '见网络一节中关于 {host} 的 DNS 结果',
  'git-error.tls': 'git 不信任 {host} 的 TLS 证书',
  'git-error.tls.why': 'git（curl）会验证证书链；解密 TLS 的代理或缺少公司 CA 证书都会导致验证失败',
  'git-error.tls.fix': '见网络一节中关于 {host} 的 TLS 结果',
  'git-error.connect': '无法连接到 {host}',
  'git-error.connect.why': 'git 无法与仓库所在的主机建立连接',
  'git-error.connect.fix': '见网络一节中关于 {host} 的 TCP 结果',
  'git-error.other': 'git 执行失败：{message}',
  'git-error.other.why': 'go 命令会执行同样的 git 命令，也会同样失败',
  'git-error.other.fix': 'GIT_TERMINAL_PROMPT=0 GIT_TRACE=1 git ls-remote {url}   # 查看更多信息',
  'git-error.known-hosts.check':
    '# 先把指纹（ssh-keygen -lf ~/.ssh/known_hosts）与 {host} 管理员公布的指纹进行比对',
};

export default zhCredentials;
