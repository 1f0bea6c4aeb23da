/**
 * `aggregated-apiserver serve`: in a cluster, behind kube-apiserver's aggregation layer. Trust comes from the
 * flags and the `extension-apiserver-authentication` ConfigMap; users are authenticated by front-proxy
 * certificate, client certificate or TokenReview, and every request is authorized by SubjectAccessReview.
 */
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ResourceDefinition } from '../registry/definitions/types.js';
import { newDelegatingAuthenticator } from '../authentication/delegating.js';
import { TrustSource } from '../authentication/trust.js';
import { newDelegatingAuthorizer } from '../authorization/delegating.js';
import { loadServingCertificate, reloadOnChange, type ServingCertificate } from '../server/dynamiccertificates/serving.js';
import {
  checkReachable, configMapReader, configMapWatcher, DelegationHealth, loadKubeConfig, serverOf, subjectAccessReviewer, tokenReviewer,
} from '../server/kube-client.js';
import { Metrics } from '../metrics/metrics.js';
import { APIServer } from '../server/server.js';
import { newStorage } from '../storage/factory.js';
import { auditConfig } from './audit.js';
import { loadServedDefinitions } from './definitions.js';
import { DEFAULT_ALWAYS_ALLOW_PATHS, type Options, validateOptions } from './options.js';
import { runUntilSignalled } from './run.js';

export async function startServe(opts: Options): Promise<APIServer> {
  const errs = validateOptions(opts);
  if (errs.length > 0) throw new Error(errs.join('; '));
  const definitions = await loadServedDefinitions(opts.apiDefinitions);
  let authnConfig;
  let authzConfig;
  try {
    authnConfig = loadKubeConfig(opts.authenticationKubeconfig ?? opts.kubeconfig);
    authzConfig = loadKubeConfig(opts.authorizationKubeconfig ?? opts.kubeconfig);
  } catch (err) {
    throw new Error(`no kube-apiserver to delegate authentication and authorization to: ${err instanceof Error ? err.message : String(err)}; `
      + 'run in a cluster, or pass --kubeconfig (or --authentication-kubeconfig and --authorization-kubeconfig); '
      + 'to try the server without a cluster, run `aggregated-apiserver local`');
  }
  // Every request is reviewed by the kube-apiserver: a server that cannot reach it must not start (and look ready).
  await checkReachable(authzConfig);
  if (serverOf(authnConfig) !== serverOf(authzConfig)) await checkReachable(authnConfig);
  const warn = (msg: string, err?: unknown): void => {
    process.stderr.write(`${msg}${err ? `: ${err instanceof Error ? err.message : String(err)}` : ''}\n`);
  };
  const trust = new TrustSource({
    clientCaFile: opts.clientCaFile,
    requestheaderClientCaFile: opts.requestheaderClientCaFile,
    requestheaderAllowedNames: opts.requestheaderAllowedNames,
    requestheaderUsernameHeaders: opts.requestheaderUsernameHeaders,
    requestheaderUidHeaders: opts.requestheaderUidHeaders,
    requestheaderGroupHeaders: opts.requestheaderGroupHeaders,
    requestheaderExtraHeadersPrefix: opts.requestheaderExtraHeadersPrefix,
    skipLookup: opts.authenticationSkipLookup,
    tolerateLookupFailure: opts.authenticationTolerateLookupFailure,
  }, configMapReader(authnConfig), warn, undefined, configMapWatcher(authnConfig));
  await trust.start();

  const serving = await loadServingCertificate(opts);
  try {
    const server = await startServer(opts, definitions, serving, trust, authnConfig, authzConfig);
    const stopWatching = reloadOnChange(server.app.server as import('node:https').Server, serving, warn);
    server.onShutdown(() => {
      stopWatching();
      trust.stop();
    });
    return server;
  } catch (err) {
    trust.stop();
    // A self-signed certificate made for a start that failed is not left behind.
    if (serving.createdDir) await rm(serving.createdDir, { recursive: true, force: true });
    throw err;
  }
}

async function startServer(opts: Options, definitions: ResourceDefinition[], serving: ServingCertificate, trust: TrustSource,
  authnConfig: KubeConfig, authzConfig: KubeConfig): Promise<APIServer> {
  const metrics = new Metrics();
  const delegation = new DelegationHealth();
  const server = new APIServer({
    bindAddress: opts.bindAddress,
    securePort: opts.securePort,
    tls: { cert: serving.cert, key: serving.key },
    definitions,
    storage: newStorage({ backend: 'leveldb', path: join(resolve(opts.dataDir), 'leveldb'), historySize: opts.eventHistorySize, historyBytes: opts.eventHistoryBytes }),
    chain: {
      authentication: newDelegatingAuthenticator({
        anonymous: true,
        requestHeader: () => trust.current().requestHeader,
        clientCA: () => trust.current().clientCA,
        tokenReview: { review: delegation.track(tokenReviewer(authnConfig)), cacheTTLSeconds: opts.authenticationTokenWebhookCacheTtl },
        metrics,
      }),
      metrics,
      audit: await auditConfig(opts, metrics),
      maxInFlight: opts,
      authorization: {
        authorizer: newDelegatingAuthorizer({
          alwaysAllowPaths: opts.authorizationAlwaysAllowPaths ?? DEFAULT_ALWAYS_ALLOW_PATHS,
          decider: {
            review: delegation.track(subjectAccessReviewer(authzConfig)),
            authorizedTTLSeconds: opts.authorizationWebhookCacheAuthorizedTtl,
            unauthorizedTTLSeconds: opts.authorizationWebhookCacheUnauthorizedTtl,
            metrics,
          },
        }),
      },
    },
    logger: opts.logLevel === 'silent' ? false : { level: opts.logLevel },
    readyChecks: [{ name: 'delegation', check: () => delegation.healthy() }],
  });
  await server.start();
  return server;
}

export async function runServe(opts: Options): Promise<void> {
  const server = await startServe(opts);
  const addr = server.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.securePort;
  process.stdout.write(`aggregated-apiserver is serving on https://${opts.bindAddress}:${port}\n`);
  runUntilSignalled(server, opts.shutdownDelayDuration);
}
