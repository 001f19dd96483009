/** The network layer's findings (src/doctor/checks/network/). */
const network = {
  'network.none': '(none)',
  'network.for': 'for: {role}',
  'network.used-for': 'used for: {use}',
  'network.first-byte': '{ms} ms to first byte',
  'network.stopped': 'not tried: the doctor run was stopped',
  'network.earlier': 'not tried: {problem} (see {check})',

  'network.role.goproxy': 'GOPROXY entry {n}',
  'network.role.sumdb': 'the checksum database {name}',
  'network.role.git-host.one': 'the host of private module {modules}',
  'network.role.git-host.other': 'the host of private modules {modules}',

  'network.route.scheme': '{scheme} URLs use no proxy',
  'network.route.unset': 'no {name} is set',
  'network.route.unparsable': '{variable} does not parse as a URL (ignored)',
  'network.route.localhost': 'localhost is never proxied',
  'network.route.loopback': 'loopback addresses are never proxied',
  'network.route.no-proxy': '{variable} entry {entry} covers it',

  'network.dns.nxdomain': '{host} does not resolve (NXDOMAIN: the name servers say no such name)',
  'network.dns.servfail':
    'the name servers failed to answer for {host} (SERVFAIL or no reply: temporary failure)',
  'network.dns.timeout':
    'no DNS answer for {host} within {ms} ms (the name servers are unreachable)',
  'network.dns.refused': 'the name servers refuse DNS queries for {host}',
  'network.dns.other': 'looking up {host} failed ({code})',
  'network.dns.use.proxy':
    'the outbound proxy for {subject} ({role}; the proxy resolves that name)',
  'network.dns.use': '{subject} ({role})',
  'network.dns.none': 'no host to look up (no GOPROXY URL, checksum database or private git host)',
  'network.dns.ip': '{host} is an IP address (no lookup)',
  'network.dns.ok': '{host} resolves to {addresses} ({ms} ms)',
  'network.dns.fail.why':
    'the go command cannot connect to a host whose name does not resolve: every download from it fails with "no such host" or "server misbehaving"',
  'network.dns.fix.getent':
    "getent hosts {host}   # what this machine's resolver answers (check the name for typos)",
  'network.dns.fix.vpn':
    "# an internal name: connect the VPN, or use the company's name servers (nameserver lines in /etc/resolv.conf)",
  'network.dns.fix.hosts': "# or pin the address: echo '<address> {host}' | sudo tee -a /etc/hosts",
  'network.dns.fix.proxy':
    '# a public name that only resolves outside: set the outbound proxy, e.g. export HTTPS_PROXY=http://proxy.example.com:3128',
  'network.dns.fix.servers':
    '# the name servers do not answer: check the nameserver lines in /etc/resolv.conf (a VPN may have set one that is unreachable now)',
  'network.dns.resolver': 'resolver: /etc/hosts, then name servers {servers} (/etc/resolv.conf)',
  'network.dns.resolver.none': '(none in /etc/resolv.conf)',
  'network.dns.node-servers': 'name servers seen by Node: {servers}',

  'network.tcp.refused':
    'connection to {target} refused: nothing listens there (wrong port, or the service is down)',
  'network.tcp.timeout':
    'no answer from {target} within {ms} ms: reads as a firewall dropping the packets',
  'network.tcp.unreachable':
    'no route to {target} ({code}): the network it is on is not reachable from here (a VPN not connected?)',
  'network.tcp.reset':
    'connection to {target} reset: something in the way closes it (a firewall or filtering proxy)',
  'network.tcp.other': 'connecting to {target} failed ({code})',
  'network.tcp.nothing': 'nothing to connect to',
  'network.tcp.detail.proxy': 'outbound proxy for {subject} ({role})',
  'network.tcp.detail.used': 'used for: {subject} ({role})',
  'network.tcp.ok': 'connected to {target} in {ms} ms',
  'network.tcp.ok.address': 'connected to {target} ({address}) in {ms} ms',
  'network.tcp.proxy.why':
    'every request of the go command to the URLs below goes through this outbound proxy, so all of them fail',
  'network.tcp.why':
    'the go command cannot reach {subject}: downloads from it fail (GOPROXY entries after a "," stop the download; after a "|" the next one is tried)',
  'network.tcp.fix.proxy-down':
    '# the outbound proxy in {variable} is down or its address is wrong: ask for the right one, then',
  'network.tcp.fix.proxy-unset':
    '# or, if this network reaches the hosts directly: unset {variable}',
  'network.tcp.fix.refused':
    '# nothing listens on that port: check the URL (port, scheme) of {role}',
  'network.tcp.fix.firewall':
    '# a firewall or a missing route: connect the VPN if the host is internal,',
  'network.tcp.fix.via-proxy':
    '# or go through the company outbound proxy: export HTTPS_PROXY=http://<proxy host>:<port>',
  'network.tcp.fix.goproxy.server':
    "go env -w GOPROXY={goproxy}   # what the company's modgate recommends",
  'network.tcp.fix.goproxy':
    'go env -w GOPROXY=<a reachable proxy>,direct   # e.g. the company modgate',
  'network.tcp.fix.gosumdb':
    'go env -w GOSUMDB=<name key url>   # a checksum database URL this machine reaches',

  'network.proxy-selection.others.https': 'curl and git read https_proxy first',
  'network.proxy-selection.others.http': 'curl and git ignore HTTP_PROXY and read http_proxy',
  'network.proxy-selection.others.no': 'curl and git read no_proxy first',
  'network.proxy-selection.none': 'no outbound proxy is set: the go command connects directly',
  'network.proxy-selection.case':
    '{upper} and {lower} differ: the go command uses {upper}={upperValue}; {others} ({lower}={lowerValue})',
  'network.proxy-selection.case.why':
    'the go command and git (for private modules) then take different routes, so one works while the other fails, and the failure is hard to reproduce with curl',
  'network.proxy-selection.case.fix':
    'export {lower}="${upper}"   # keep the go command\'s value for both',
  'network.proxy-selection.not-url':
    '{variable}={value} is not a URL: the go command ignores it and connects directly',
  'network.proxy-selection.not-url.why':
    'a proxy setting that silently does nothing sends every request straight out, which a firewall may drop',
  'network.proxy-selection.no-scheme':
    '{variable}={value} has no scheme: the go command reads it as {url}',
  'network.proxy-selection.no-scheme.why':
    'the go command and curl assume http://, other tools may not; writing the scheme removes the guess',
  'network.proxy-selection.direct': '{role}: direct, {reason}',
  'network.proxy-selection.via': 'through {proxy} ({variable})',
  'network.proxy-selection.proxied': '{role}: {via}',
  'network.proxy-selection.internal':
    '{role} goes {via}: NO_PROXY does not cover {host}, which is {internal}',
  'network.proxy-selection.internal.why':
    'an outside proxy usually cannot reach internal hosts, or refuses to: requests then time out or get 403/502 from the proxy',
  'network.proxy-selection.no-proxy-unset': 'NO_PROXY is not set',
  'network.internal.git-host': 'the host of private modules',
  'network.internal.server': "the company's modgate",
  'network.internal.private-address': 'a private address',
  'network.internal.single-label': 'a single-label (intranet) name',
  'network.internal.intranet': 'an intranet name',

  'network.proxy-connect.none': 'no https URL goes through an outbound proxy',
  'network.proxy-connect.detail.proxy': 'proxy: {proxy} ({variable})',
  'network.proxy-connect.detail.answer': 'answer: {line}',
  'network.proxy-connect.ok': '{proxy} opens a tunnel to {target} ({ms} ms)',
  'network.proxy-connect.refused-credentials':
    '{proxy} refuses the credentials in {variable} (407 Proxy Authentication Required) for CONNECT {target}',
  'network.proxy-connect.wants-credentials':
    '{proxy} wants credentials (407 Proxy Authentication Required) for CONNECT {target}',
  'network.proxy-connect.407.why':
    'the go command sends only the user:password written in the proxy URL (Basic authentication); without accepted credentials every request through the proxy fails',
  'network.proxy-connect.407.fix':
    'export {variable}=http://<user>:<password>@{host}   # URL-encode special characters in the password',
  'network.proxy-connect.407.ntlm':
    '# a proxy that wants NTLM or Kerberos: run a local forwarder (cntlm, px) and point the variable at it',
  'network.proxy-connect.403': '{proxy} refuses to tunnel to {target} (403 Forbidden)',
  'network.proxy-connect.403.why':
    "the proxy's policy blocks {host}: the go command cannot reach {role} through it",
  'network.proxy-connect.403.ask': "# ask the proxy's administrators to allow CONNECT to {target}",
  'network.proxy-connect.403.no-proxy':
    '# or, if {host} is reachable without the proxy (an internal host): export NO_PROXY={value} no_proxy={value}',
  'network.proxy-connect.other': '{proxy} answered CONNECT {target} with {answer}',
  'network.proxy-connect.not-http': 'something that is not HTTP',
  'network.proxy-connect.5xx.why':
    'the proxy could not reach {target} (its DNS or its own route to the host): the go command fails the same way',
  'network.proxy-connect.other.why':
    'the go command needs a 200 answer to CONNECT to reach the host',
  'network.proxy-connect.curl':
    "curl -v --proxy '{proxy}' https://{target}/   # the same request, to show the proxy's answer",
  'network.proxy-connect.failed': 'CONNECT {target} through {proxy} failed: {message}',
  'network.proxy-connect.failed.why': 'the go command cannot get through the proxy',

  'network.tls.none': 'no https URL to check',
  'network.tls.no-handshake': 'no TLS handshake with {target}: {message} ({code})',
  'network.tls.no-handshake.why':
    'the go command cannot speak https to this host (it may speak plain http on that port, or something in the way cuts TLS connections)',
  'network.tls.no-handshake.fix':
    'openssl s_client -connect {target} -servername {host} </dev/null   # what the server sends',
  'network.tls.verified-against': '{protocol}, verified against {sources}',
  'network.tls.no-ca-files': 'no CA files (none found)',
  'network.tls.chain': '{i} subject: {subject} / issuer: {issuer} / valid {from} to {to}',
  'network.tls.expired': 'the certificate of {target} expired on {date} ({which})',
  'network.tls.in-chain': 'in the chain',
  'network.tls.expired.why':
    'the go command refuses an expired certificate: "x509: certificate has expired or is not yet valid"',
  'network.tls.expired.renew': '# the operators of {host} must renew the certificate',
  'network.tls.expired.clock':
    "date -u   # if many hosts fail like this, check this machine's clock",
  'network.tls.not-yet':
    "the certificate of {target} is not valid before {date}: check this machine's clock",
  'network.tls.not-yet.why': 'the go command refuses a certificate outside its validity period',
  'network.tls.not-yet.fix': 'date -u   # then set the clock right: sudo timedatectl set-ntp true',
  'network.tls.public-ca':
    "{target}'s certificate is signed by a public CA ({issuer}) that this machine's CA store lacks ({error})",
  'network.tls.unknown-ca':
    "{target}'s certificate is signed by an unknown authority ({issuer}): a TLS-intercepting proxy or a company CA that is not installed (doctor cannot tell which for sure)",
  'network.tls.unknown-ca.why':
    'the go command fails with "x509: certificate signed by unknown authority" for every request to this host',
  'network.tls.public-ca.fix':
    'sudo apt-get install --reinstall ca-certificates && sudo update-ca-certificates   # Debian/Ubuntu: refresh the public roots',
  'network.tls.name': "{target}'s certificate is not for {host}: {problem}",
  'network.tls.name.why':
    'the go command fails with "x509: certificate is valid for …, not {host}"',
  'network.tls.name.fix':
    '# use the name the certificate is for ({names}) in the URL, e.g. go env -w GOPROXY=https://<that name>/…',
  'network.tls.name.see-chain': 'see the chain',
  'network.tls.name.operators':
    "# or the operators of {host} must add {host} to the certificate's subject alternative names",
  'network.tls.invalid': "{target}'s certificate does not verify: {error}",
  'network.tls.invalid.why': 'the go command refuses a certificate that does not verify',
  'network.tls.expiring': "{target}'s certificate verifies but expires in {days} days ({date})",
  'network.tls.expiring.why': 'downloads will fail once it expires',
  'network.tls.expiring.fix': '# tell the operators of {host} to renew the certificate',
  'network.tls.ok': '{target}: certificate for {host} verifies ({issuer}, {days} days left)',
  'network.ca.get':
    "# get the company's root CA certificate (PEM, e.g. company-root-ca.crt) from IT — not from the server's own chain",
  'network.ca.go-only': '# or for the go command only, without root:',
  'network.ca.cert-dir':
    'export SSL_CERT_DIR=/etc/ssl/certs:$HOME/.certs   # with company-root-ca.crt copied into ~/.certs',
  'network.ca.cert-file':
    'export SSL_CERT_FILE=$HOME/.certs/bundle.pem   # replaces the system bundle: cat /etc/ssl/certs/ca-certificates.crt company-root-ca.crt > ~/.certs/bundle.pem',

  'network.http.none': 'no URL to fetch',
  'network.http.insecure-credentials':
    'the go command refuses to pass credentials to insecure URL {url}',
  'network.http.insecure-credentials.why':
    'user:password in a plain-http GOPROXY URL would travel in clear text, so the go command fails every request to it',
  'network.http.insecure-credentials.fix':
    'go env -w GOPROXY=<the same list with https://{hostPath} and no user:password>   # and the credentials in ~/.netrc: machine {host} login <user> password <token>',
  'network.http.timeout':
    'GET {url}: connected, but no HTTP answer within {ms} ms (the server hangs, or something in the way holds the connection)',
  'network.http.failed': 'GET {url} failed: {message} ({code})',
  'network.http.failed.why':
    'the go command waits on this server and then fails the download (a "," after a GOPROXY entry stops there)',
  'network.http.failed.fix':
    "curl -v --max-time 30 '{url}'   # the same request, to see where it stops",
  'network.http.refuses-credentials': '{subject} refuses the credentials from {source} ({line})',
  'network.http.refuses-credentials.why':
    'the go command sends exactly these credentials, so every request to this server fails',
  'network.http.refuses-credentials.url.fix':
    '# put a valid user:password in the GOPROXY URL, or better in ~/.netrc (go env -w GOPROXY=<the URL without user:password>)',
  'network.http.refuses-credentials.netrc.fix':
    '# renew the token or password of machine {host} in {file} (keep it chmod 600)',
  'network.http.wants-credentials': '{subject} is alive but wants credentials ({line})',
  'network.http.wants-credentials.why':
    'the go command sends credentials only from ~/.netrc (or user:password in the URL); without an accepted entry every request fails with this status (see the credentials checks)',
  'network.http.wants-credentials.fix':
    '# add to ~/.netrc (then chmod 600 ~/.netrc): machine {host} login <user> password <token>',
  'network.http.5xx': '{subject} answers with a server error ({line})',
  'network.http.5xx.goproxy.why':
    'after a "," the go command stops at this error; only a "|" after the entry lets it try the next one',
  'network.http.5xx.why': 'the go command fails on a server error',
  'network.http.5xx.goproxy.fix':
    '# the server at {host} is failing: tell its operators, or fall through on errors: go env -w GOPROXY=<this entry>|<next entry>',
  'network.http.5xx.fix': '# the server at {host} is failing: tell its operators',
  'network.http.alive': '{subject} is alive ({line} for the base URL, {timing})',
  'network.http.no-module':
    '{subject} does not have {module} ({line}): the go command tries the next GOPROXY entry',
  'network.http.no-module.why':
    'a proxy without the public modules the go.mod needs sends every download to the next entry (or fails at the end of the list)',
  'network.http.no-module.fix': '# check the GOPROXY URL (a path prefix missing?): go env GOPROXY',
  'network.http.git-host.missing':
    '{subject} has no {path} ({line}): a wrong module path, or a private repository the host hides without credentials',
  'network.http.git-host.such-path': 'such path',
  'network.http.git-host.missing.why': 'the go command cannot find the repository of the module',
  'network.http.git-host.missing.fix':
    "# check the module path's case and spelling in go.mod; for a private repository add a ~/.netrc entry for {host}",
  'network.http.not-sumdb': '{subject} is not a checksum database ({line} for /latest)',
  'network.http.not-sumdb.why':
    'the go command cannot verify downloads against the checksum database',
  'network.http.not-sumdb.fix': 'go env GOSUMDB   # check the URL part of "name key url"',
  'network.http.redirect':
    'redirects to {url} (the go command follows redirects: that server must answer too)',
  'network.http.ok': '{subject} answers {line} ({timing})',

  'network.sumdb.no-answer': 'no answer',
  'network.sumdb.no-answer.stage': 'no answer ({stage} {code})',
  'network.sumdb.directly': 'directly',
  'network.sumdb.through': 'through {url}',
  'network.sumdb.unavailable':
    'the checksum database {name} is unavailable: {url} answered {status} for /sumdb/{name}/supported, and the go command stops there',
  'network.sumdb.unavailable.why':
    'a GOPROXY entry followed by "," must answer 200 (it serves the database) or 404/410 (ask the next) to that request; anything else fails every download that needs a checksum',
  'network.sumdb.unavailable.fix':
    '# fix the proxy, or let the go command fall through on errors: put "|" after {url} in GOPROXY',
  'network.sumdb.unavailable.name':
    "go env -w GOSUMDB='{name} <key> <url>'   # or name the database's URL explicitly",
  'network.sumdb.ok': 'the checksum database {name} answers {via} ({ms} ms to first byte)',
  'network.sumdb.bad': 'the checksum database {name}, reached {via}, answers {status} for /latest',
  'network.sumdb.bad.why':
    'the go command cannot verify new downloads against the checksum database',
  'network.sumdb.unreachable':
    'the checksum database {name} is reached {via} (no GOPROXY entry serves it), and {host} fails: {problem}',
  'network.sumdb.unreachable.why':
    'the go command checks every new public module against the checksum database; unreachable, every such download fails',
  'network.sumdb.unreachable.fix':
    '# use a GOPROXY that serves the checksum database (modgate does: /sumdb/<name>/supported),',
  'network.sumdb.unreachable.golang':
    "go env -w GOSUMDB='sum.golang.org https://<a reachable URL of it>'   # or name a reachable URL",
  'network.sumdb.unreachable.other':
    "go env -w GOSUMDB='<its key> https://<a reachable URL of it>'   # or name a reachable URL",
} as const;

export default network;
