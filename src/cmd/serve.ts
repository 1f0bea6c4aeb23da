/**
 * `aggregated-apiserver serve`: in a cluster, behind kube-apiserver's aggregation layer. Trust comes from the
 * flags and the `extension-apiserver-authentication` ConfigMap; users are authenticated by front-proxy
 * certificate, client certificate or TokenReview, and every request is authorized by SubjectAccessReview.
 */
import { rm } from 'node:fs/promises';
import type { Server } from 'node:https';
import type { Command } from 'commander';
import { newDelegatingAuthenticator } from '../authentication/delegating.js';
import { TrustSource } from '../authentication/trust.js';
import { parseBundle } from '../authentication/x509.js';
import { newDelegatingAuthorizer } from '../authorization/delegating.js';
import { Metrics } from '../metrics/metrics.js';
import type { ResourceDefinition } from '../registry/definitions/types.js';
import { reloadOnChange, type ServingCertificate } from '../server/dynamiccertificates/serving.js';
import { APIServer, type ServerConfig } from '../server/server.js';
import { newStorage } from '../storage/factory.js';
import type { Delegation } from './delegation.js';
import { newAdmissionChain } from '../admission/chain.js';
import { AdmissionOptions } from './options/admission.js';
import { APIDefinitionsOptions } from './options/api-definitions.js';
import { AuditOptions } from './options/audit.js';
import { DelegatingAuthenticationOptions } from './options/authentication.js';
import { DelegatingAuthorizationOptions } from './options/authorization.js';
import { CommandOptions, type Flags, type OptionGroup } from './options/group.js';
import { ServerRunOptions } from './options/server-run.js';
import { SecureServingOptions, ServingCertOptions } from './options/serving.js';
import { StorageOptions } from './options/storage.js';
import { runUntilSignalled } from './run.js';

export type ServeFlags = Flags<SecureServingOptions> &
  Flags<ServingCertOptions> &
  Flags<APIDefinitionsOptions> &
  Flags<StorageOptions> &
  Flags<ServerRunOptions> &
  Flags<AuditOptions> &
  Flags<DelegatingAuthenticationOptions> &
  Flags<DelegatingAuthorizationOptions>;

export class ServeOptions extends CommandOptions<ServeFlags> {
  readonly serving = new SecureServingOptions({ securePort: 443, bindAddress: '0.0.0.0' });
  readonly servingCert = new ServingCertOptions();
  readonly definitions = new APIDefinitionsOptions();
  readonly storage = new StorageOptions(true);
  readonly server = new ServerRunOptions();
  readonly admission = new AdmissionOptions();
  readonly audit = new AuditOptions();
  readonly authentication = new DelegatingAuthenticationOptions();
  readonly authorization = new DelegatingAuthorizationOptions();

  protected groups(): OptionGroup[] {
    return [
      this.serving,
      this.servingCert,
      this.definitions,
      this.storage,
      this.server,
      this.audit,
      this.authentication,
      this.authorization,
      this.admission,
    ];
  }

  /** `--kubeconfig` stands in for whichever of the delegations' own kubeconfig flags is not given. */
  override complete(): this {
    this.authentication.authenticationKubeconfig ??= this.authorization.kubeconfig;
    this.authorization.authorizationKubeconfig ??= this.authorization.kubeconfig;
    return this;
  }
}

export function addServeCommand(program: Command): void {
  const opts = new ServeOptions();
  opts
    .addFlags(program.command('serve'))
    .description('serve in a cluster: delegated authentication and authorization through the kube-apiserver')
    .action((flags: Partial<ServeFlags>) => runServe(opts.applyFlags(flags)));
}

const warn = (msg: string, err?: unknown): void => {
  process.stderr.write(`${msg}${err ? `: ${err instanceof Error ? err.message : String(err)}` : ''}\n`);
};

export async function startServe(opts: ServeOptions): Promise<APIServer> {
  const errs = opts.complete().validate();
  if (errs.length > 0) throw new Error(errs.join('; '));
  const definitions = await opts.definitions.load();
  // Before the serving certificate: a start that cannot reach the kube-apiserver leaves no certificate behind.
  // The cluster's client library is loaded here, only by `serve`: it costs local mode 74 MiB and a second.
  const [{ connectDelegation }, kube, { cachedAdmission }] = await Promise.all([
    import('./delegation.js'),
    import('../server/kube-client.js'),
    import('./admission-sources.js'),
  ]);
  const delegation = await connectDelegation(opts.authentication.authenticationKubeconfig, opts.authorization.authorizationKubeconfig);
  // Plain text on stderr until the server's JSON logger exists, then through it.
  let logTo = warn;
  const log = (msg: string, err?: unknown): void => logTo(msg, err);
  const trust = new TrustSource(
    opts.authentication.trustFlags(),
    kube.configMapReader(delegation.authentication),
    log,
    undefined,
    kube.configMapWatcher(delegation.authentication),
  );
  await trust.start();
  const serving = await opts.servingCert.toConfig();
  const metrics = new Metrics();
  let servingCerts = parseBundle(serving.cert);
  metrics.watchCertificates('serving', () => servingCerts);
  metrics.watchCertificates('client-ca', () => trust.current().clientCA);
  metrics.watchCertificates('requestheader-client-ca', () => trust.current().requestHeader?.caBundle ?? []);
  const storage = await newStorage(opts.storage.toConfig());
  // What admission reads from the cluster the requests are reviewed by: namespaces, webhooks, policies.
  const admission = cachedAdmission(opts.admission.enabled(), delegation.authorization, definitions, storage, warn);
  try {
    const server = new APIServer({
      ...(await serverConfig(opts, definitions, serving, trust, delegation, kube, metrics)),
      storage,
      admission: newAdmissionChain(admission.plugins),
    });
    logTo = (msg, err) => (err ? server.app.log.warn({ err }, msg) : server.app.log.info(msg));
    await server.start();
    const stopWatching = reloadOnChange(server.app.server as Server, serving, log, (cert) => {
      servingCerts = parseBundle(cert);
    });
    server.onShutdown(() => {
      stopWatching();
      trust.stop();
      void admission.stop();
    });
    return server;
  } catch (err) {
    void admission.stop();
    trust.stop();
    // A self-signed certificate made for a start that failed is not left behind.
    if (serving.createdDir) await rm(serving.createdDir, { recursive: true, force: true });
    throw err;
  }
}

async function serverConfig(
  opts: ServeOptions,
  definitions: ResourceDefinition[],
  serving: ServingCertificate,
  trust: TrustSource,
  delegation: Delegation,
  kube: typeof import('../server/kube-client.js'),
  metrics: Metrics,
): Promise<Omit<ServerConfig, 'storage'>> {
  // /readyz fails while reviews cannot reach the kube-apiserver: every request would fail meanwhile.
  const health = new kube.DelegationHealth();
  const tokenReview = health.track(kube.tokenReviewer(delegation.authentication));
  const subjectAccessReview = health.track(kube.subjectAccessReviewer(delegation.authorization));
  return {
    ...opts.serving.toConfig(),
    tls: { cert: serving.cert, key: serving.key },
    definitions,
    chain: {
      authentication: newDelegatingAuthenticator(opts.authentication.toConfig(trust, tokenReview, metrics)),
      metrics,
      audit: await opts.audit.toConfig(metrics),
      maxInFlight: opts.server.maxInFlight(),
      httpLog: opts.server.httpLog(),
      authorization: { authorizer: newDelegatingAuthorizer(opts.authorization.toConfig(subjectAccessReview, metrics)) },
    },
    logger: opts.server.logger(),
    readyChecks: [{ name: 'delegation', check: () => health.healthy() }],
  };
}

export async function runServe(opts: ServeOptions): Promise<void> {
  const server = await startServe(opts);
  process.stdout.write(`aggregated-apiserver is serving on https://${opts.serving.bindAddress}:${server.port()}\n`);
  runUntilSignalled(server, opts.server.shutdownDelayDuration);
}
