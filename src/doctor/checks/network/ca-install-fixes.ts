/**
 * How to make the go command trust a company CA (or a TLS-inspecting proxy's CA), per system.
 * The certificate must come from the company (IT, an intranet page), never from the chain the
 * server presented: that chain is what doctor could not trust. The go command on Linux reads the
 * system bundle plus SSL_CERT_FILE / SSL_CERT_DIR; on macOS it uses the keychain.
 */
export function caInstallFixes(): string[] {
  return [
    "# get the company's root CA certificate (PEM, e.g. company-root-ca.crt) from IT — not from the server's own chain",
    'sudo cp company-root-ca.crt /usr/local/share/ca-certificates/ && sudo update-ca-certificates   # Debian/Ubuntu',
    'sudo cp company-root-ca.crt /etc/pki/ca-trust/source/anchors/ && sudo update-ca-trust   # Fedora/RHEL',
    'sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain company-root-ca.crt   # macOS',
    '# or for the go command only, without root:',
    'export SSL_CERT_DIR=/etc/ssl/certs:$HOME/.certs   # with company-root-ca.crt copied into ~/.certs',
    'export SSL_CERT_FILE=$HOME/.certs/bundle.pem   # replaces the system bundle: cat /etc/ssl/certs/ca-certificates.crt company-root-ca.crt > ~/.certs/bundle.pem',
  ];
}
