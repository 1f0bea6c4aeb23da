/**
 * How HTTPS is served (`pkg/server/options/serving.go`): where to listen, and, for `serve`, the
 * certificate: `--tls-cert-file`/`--tls-private-key-file`, or a self-signed pair made once into `--cert-dir`.
 * `local` has no certificate flags: its certificate comes from the local CA under `--data-dir`.
 */
import { type Command, Option } from 'commander';
import { loadServingCertificate, type ServingCertificate } from '../../server/dynamiccertificates/serving.js';
import type { ServerConfig } from '../../server/server.js';
import { int } from './parse.js';

export class SecureServingOptions {
  securePort: number;
  bindAddress: string;

  /** `serve` listens on every address at 443, as upstream; `local` on loopback at 8443. */
  constructor(defaults: { securePort: number; bindAddress: string }) {
    this.securePort = defaults.securePort;
    this.bindAddress = defaults.bindAddress;
  }

  addFlags(cmd: Command): void {
    cmd
      .addOption(
        new Option('--secure-port <port>', 'the port on which to serve HTTPS with authentication and authorization')
          .argParser(int)
          .default(this.securePort),
      )
      .addOption(
        new Option('--bind-address <ip>', 'the IP address on which to listen for the --secure-port port').default(this.bindAddress),
      );
  }

  validate(): string[] {
    return this.securePort > 65535 ? [`--secure-port ${this.securePort} must be between 0 and 65535`] : [];
  }

  toConfig(): Pick<ServerConfig, 'bindAddress' | 'securePort'> {
    return { bindAddress: this.bindAddress, securePort: this.securePort };
  }
}

export class ServingCertOptions {
  tlsCertFile: string | undefined = undefined;
  tlsPrivateKeyFile: string | undefined = undefined;
  certDir = 'apiserver.local.config/certificates';

  addFlags(cmd: Command): void {
    cmd
      .option(
        '--tls-cert-file <path>',
        'file containing the default x509 certificate for HTTPS (CA cert, if any, concatenated after server cert)',
      )
      .option('--tls-private-key-file <path>', 'file containing the default x509 private key matching --tls-cert-file')
      .option('--cert-dir <dir>', 'the directory where a self-signed certificate is written if --tls-cert-file is not given', this.certDir);
  }

  validate(): string[] {
    return Boolean(this.tlsCertFile) !== Boolean(this.tlsPrivateKeyFile)
      ? ['--tls-cert-file and --tls-private-key-file must be given together']
      : [];
  }

  /** The certificate given, or the self-signed one (`createdDir` says what this call made, for a failed start to remove). */
  toConfig(): Promise<ServingCertificate> {
    return loadServingCertificate(this);
  }
}
