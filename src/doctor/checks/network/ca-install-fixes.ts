import { doctorMessages, type DoctorTranslate } from '../../doctor-messages.js';

/**
 * How to make the go command trust a company CA (or a TLS-inspecting proxy's CA), per system.
 * The certificate must come from the company (IT, an intranet page), never from the chain the
 * server presented: that chain is what doctor could not trust. The go command on Linux reads the
 * system bundle plus SSL_CERT_FILE / SSL_CERT_DIR; on macOS it uses the keychain.
 */
export function caInstallFixes(t: DoctorTranslate = doctorMessages('en')): string[] {
  return [
    t('network.ca.get'),
    'sudo cp company-root-ca.crt /usr/local/share/ca-certificates/ && sudo update-ca-certificates   # Debian/Ubuntu',
    'sudo cp company-root-ca.crt /etc/pki/ca-trust/source/anchors/ && sudo update-ca-trust   # Fedora/RHEL',
    'sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain company-root-ca.crt   # macOS',
    t('network.ca.go-only'),
    t('network.ca.cert-dir'),
    t('network.ca.cert-file'),
  ];
}
