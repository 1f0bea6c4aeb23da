/**
 * Command-line options, with k8s.io/apiserver's flag names and defaults wherever the meaning is the same
 * (`pkg/server/options`), so operators can reuse what they know. Flags are read here and nowhere else;
 * `validateOptions` returns every problem at once.
 */
import { Command, Option } from 'commander';

export interface Options {
  securePort: number;
  bindAddress: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  certDir: string;
  clientCaFile?: string;
  requestheaderClientCaFile?: string;
  requestheaderAllowedNames: string[];
  requestheaderUsernameHeaders: string[];
  requestheaderUidHeaders: string[];
  requestheaderGroupHeaders: string[];
  requestheaderExtraHeadersPrefix: string[];
  authenticationKubeconfig?: string;
  authorizationKubeconfig?: string;
  kubeconfig?: string;
  authenticationSkipLookup: boolean;
  authenticationTolerateLookupFailure: boolean;
  authenticationTokenWebhookCacheTtl: number;
  authorizationWebhookCacheAuthorizedTtl: number;
  authorizationWebhookCacheUnauthorizedTtl: number;
  authorizationAlwaysAllowPaths: string[];
  auditPolicyFile?: string;
  auditLogPath?: string;
  auditLogMaxage: number;
  auditLogMaxbackup: number;
  auditLogMaxsize: number;
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  apiDefinitions: string[];
  dataDir: string;
  /** LevelDB only in this release; the flag stays for the etcd backend to come back to. */
  storageBackend: 'leveldb';
  /** Events kept for watches to resume from and for consistent paging, by count and by bytes. */
  eventHistorySize: number;
  eventHistoryBytes: number;
  /** Seconds /readyz reports failure before the server stops listening (`--shutdown-delay-duration`). */
  shutdownDelayDuration: number;
  logLevel: string;
}

const list = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
const repeat = (v: string, prev: string[] = []): string[] => [...prev, v];
const int = (v: string): number => {
  if (!/^\d+$/.test(v)) throw new Error(`not a whole number: ${v}`);
  return Number(v);
};

/** A byte quantity as Kubernetes writes one: `67108864`, `64Mi`, `1Gi`, `500k`, `2M`. */
export function parseQuantity(v: string): number {
  const m = /^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(v.trim());
  if (!m) throw new Error(`invalid quantity: ${v} (e.g. 64Mi)`);
  const unit: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(m[1]) * (unit[m[2] ?? ''] as number);
}

/** Go durations as the upstream flags take them: `10s`, `1m30s`, `500ms`, `2h`; a bare number is seconds. */
export function parseDuration(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    total += Number(m[1]) * (unit[m[2] as string] ?? 0);
    consumed = re.lastIndex;
  }
  if (consumed !== v.length || v.length === 0) throw new Error(`invalid duration: ${v}`);
  return total;
}

/** Adds the flags both `serve` and `local` take. */
export function addCommonFlags(cmd: Command, defaults: { securePort: number; bindAddress: string }): Command {
  return cmd
    .addOption(new Option('--secure-port <port>', 'the port on which to serve HTTPS with authentication and authorization').argParser(int).default(defaults.securePort))
    .addOption(new Option('--bind-address <ip>', 'the IP address on which to listen for the --secure-port port').default(defaults.bindAddress))
    .option('--api-definitions <path>', 'a file or folder of CustomResourceDefinition-format YAML describing the API to serve (repeatable); default: the built-in wardle.example.com group', repeat, [])
    .option('--data-dir <dir>', 'directory for LevelDB data (and, in local mode, certificates and kubeconfig)', './data')
    .addOption(new Option('--storage-backend <backend>', 'where objects are kept').choices(['leveldb']).default('leveldb'))
    .option('--event-history-size <n>', 'how many events are kept for watches to resume from and for consistent paging; older resourceVersions get 410 Expired', int, 10_000)
    .option('--event-history-bytes <quantity>', 'how many bytes of events are kept, whatever their count (e.g. 64Mi)', parseQuantity, 64 * 2 ** 20)
    .option('--max-requests-inflight <n>', 'maximum number of non-mutating requests in flight at a given time; 0 means no limit', int, 400)
    .option('--max-mutating-requests-inflight <n>', 'maximum number of mutating requests in flight at a given time; 0 means no limit', int, 200)
    .option('--audit-policy-file <path>', 'path to the file that defines the audit policy configuration')
    .option('--audit-log-path <path>', 'if set, all requests coming to the apiserver will be logged to this file; "-" means standard out')
    .option('--audit-log-maxage <days>', 'maximum number of days to retain old audit log files (0: no limit)', int, 0)
    .option('--audit-log-maxbackup <n>', 'maximum number of old audit log files to retain (0: no limit)', int, 0)
    .option('--audit-log-maxsize <mb>', 'maximum size in megabytes of the audit log file before it gets rotated (0: no rotation)', int, 0)
    .option('--shutdown-delay-duration <duration>', 'time to keep serving with /readyz failing after SIGTERM, so load balancers stop sending traffic', parseDuration, 0)
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'));
}

/** The flags of `serve`: delegated authentication and authorization through the kube-apiserver. */
export function addServeFlags(cmd: Command): Command {
  return addCommonFlags(cmd, { securePort: 443, bindAddress: '0.0.0.0' })
    .option('--tls-cert-file <path>', 'file containing the default x509 certificate for HTTPS (CA cert, if any, concatenated after server cert)')
    .option('--tls-private-key-file <path>', 'file containing the default x509 private key matching --tls-cert-file')
    .option('--cert-dir <dir>', 'the directory where a self-signed certificate is written if --tls-cert-file is not given', 'apiserver.local.config/certificates')
    .option('--client-ca-file <path>', 'if set, any request presenting a client certificate signed by one of the authorities in this file is authenticated with an identity corresponding to the CommonName of the client certificate')
    .option('--requestheader-client-ca-file <path>', 'root certificate bundle to use to verify client certificates on incoming requests before trusting usernames in headers specified by --requestheader-username-headers')
    .option('--requestheader-allowed-names <names>', 'list of client certificate common names to allow to provide usernames in headers; if empty, any client certificate validated by the authorities in --requestheader-client-ca-file is allowed', list, [])
    .option('--requestheader-username-headers <headers>', 'list of request headers to inspect for usernames', list, [])
    .option('--requestheader-uid-headers <headers>', 'list of request headers to inspect for UIDs', list, [])
    .option('--requestheader-group-headers <headers>', 'list of request headers to inspect for groups', list, [])
    .option('--requestheader-extra-headers-prefix <prefixes>', 'list of request header prefixes to inspect', list, [])
    .option('--authentication-kubeconfig <path>', 'kubeconfig file pointing at the core kubernetes server with enough rights to create tokenreviews.authentication.k8s.io; default: in-cluster')
    .option('--authorization-kubeconfig <path>', 'kubeconfig file pointing at the core kubernetes server with enough rights to create subjectaccessreviews.authorization.k8s.io; default: in-cluster')
    .option('--kubeconfig <path>', 'kubeconfig file pointing at the core kubernetes server (default for the two above)')
    .option('--authentication-skip-lookup', 'if false, the authentication-kubeconfig will be used to lookup missing authentication configuration from the cluster', false)
    .option('--authentication-tolerate-lookup-failure', 'if true, failures to look up missing authentication configuration from the cluster are not considered fatal', false)
    .option('--authentication-token-webhook-cache-ttl <duration>', 'the duration to cache responses from the webhook token authenticator', parseDuration, 10)
    .option('--authorization-webhook-cache-authorized-ttl <duration>', "the duration to cache 'authorized' responses from the webhook authorizer", parseDuration, 10)
    .option('--authorization-webhook-cache-unauthorized-ttl <duration>', "the duration to cache 'unauthorized' responses from the webhook authorizer", parseDuration, 10)
    .option('--authorization-always-allow-paths <paths>', 'a list of HTTP paths to skip during authorization (default: /healthz,/readyz,/livez)', list);
}

/** Defaults that a given flag replaces rather than extends (commander would append to an array default). */
export const DEFAULT_ALWAYS_ALLOW_PATHS = ['/healthz', '/readyz', '/livez'];

/** Every problem with the options, not just the first. */
export function validateOptions(o: Partial<Options>): string[] {
  const errs: string[] = [];
  if (o.securePort !== undefined && o.securePort > 65535) errs.push(`--secure-port ${o.securePort} must be between 0 and 65535`);
  if (Boolean(o.tlsCertFile) !== Boolean(o.tlsPrivateKeyFile)) errs.push('--tls-cert-file and --tls-private-key-file must be given together');
  if (o.eventHistorySize !== undefined && o.eventHistorySize < 1) errs.push('--event-history-size must be at least 1');
  if (o.eventHistoryBytes !== undefined && o.eventHistoryBytes < 1024 * 1024) errs.push('--event-history-bytes must be at least 1Mi');
  return errs;
}
