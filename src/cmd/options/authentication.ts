/**
 * Delegated authentication (`pkg/server/options/authentication.go`): the client and front-proxy CAs and
 * request headers (flags, or the kube-apiserver's `extension-apiserver-authentication` ConfigMap for what
 * they leave unset), the TokenReview cache, and the kubeconfig to reach the kube-apiserver.
 */
import type { Command } from 'commander';
import type { DelegatingAuthenticatorConfig } from '../../authentication/delegating.js';
import type { TokenReviewer } from '../../authentication/token-review.js';
import type { TrustFlags, TrustSource } from '../../authentication/trust.js';
import type { Metrics } from '../../metrics/metrics.js';
import { list, parseDuration } from './parse.js';

export class DelegatingAuthenticationOptions {
  clientCaFile: string | undefined = undefined;
  requestheaderClientCaFile: string | undefined = undefined;
  requestheaderAllowedNames: string[] = [];
  requestheaderUsernameHeaders: string[] = [];
  requestheaderUidHeaders: string[] = [];
  requestheaderGroupHeaders: string[] = [];
  requestheaderExtraHeadersPrefix: string[] = [];
  authenticationSkipLookup = false;
  authenticationTolerateLookupFailure = false;
  authenticationTokenWebhookCacheTtl = 10;
  /** Absent: `--kubeconfig`, else in-cluster (see ServeOptions.complete). */
  authenticationKubeconfig: string | undefined = undefined;

  addFlags(cmd: Command): void {
    cmd
      .option(
        '--client-ca-file <path>',
        'if set, any request presenting a client certificate signed by one of the authorities in this file is authenticated with an identity corresponding to the CommonName of the client certificate',
      )
      .option(
        '--requestheader-client-ca-file <path>',
        'root certificate bundle to use to verify client certificates on incoming requests before trusting usernames in headers specified by --requestheader-username-headers',
      )
      .option(
        '--requestheader-allowed-names <names>',
        'list of client certificate common names to allow to provide usernames in headers; if empty, any client certificate validated by the authorities in --requestheader-client-ca-file is allowed',
        list,
        this.requestheaderAllowedNames,
      )
      .option(
        '--requestheader-username-headers <headers>',
        'list of request headers to inspect for usernames',
        list,
        this.requestheaderUsernameHeaders,
      )
      .option('--requestheader-uid-headers <headers>', 'list of request headers to inspect for UIDs', list, this.requestheaderUidHeaders)
      .option(
        '--requestheader-group-headers <headers>',
        'list of request headers to inspect for groups',
        list,
        this.requestheaderGroupHeaders,
      )
      .option(
        '--requestheader-extra-headers-prefix <prefixes>',
        'list of request header prefixes to inspect',
        list,
        this.requestheaderExtraHeadersPrefix,
      )
      .option(
        '--authentication-skip-lookup',
        'if false, the authentication-kubeconfig will be used to lookup missing authentication configuration from the cluster',
        this.authenticationSkipLookup,
      )
      .option(
        '--authentication-tolerate-lookup-failure',
        'if true, failures to look up missing authentication configuration from the cluster are not considered fatal',
        this.authenticationTolerateLookupFailure,
      )
      .option(
        '--authentication-token-webhook-cache-ttl <duration>',
        'the duration to cache responses from the webhook token authenticator',
        parseDuration,
        this.authenticationTokenWebhookCacheTtl,
      )
      // Last, so that the authorization group's --kubeconfig follows both kubeconfig flags, as its help says.
      .option(
        '--authentication-kubeconfig <path>',
        'kubeconfig file pointing at the core kubernetes server with enough rights to create tokenreviews.authentication.k8s.io; default: in-cluster',
      );
  }

  /** What the trust source reads: these flags, under which the ConfigMap fills the gaps. */
  trustFlags(): TrustFlags {
    return {
      clientCaFile: this.clientCaFile,
      requestheaderClientCaFile: this.requestheaderClientCaFile,
      requestheaderAllowedNames: this.requestheaderAllowedNames,
      requestheaderUsernameHeaders: this.requestheaderUsernameHeaders,
      requestheaderUidHeaders: this.requestheaderUidHeaders,
      requestheaderGroupHeaders: this.requestheaderGroupHeaders,
      requestheaderExtraHeadersPrefix: this.requestheaderExtraHeadersPrefix,
      skipLookup: this.authenticationSkipLookup,
      tolerateLookupFailure: this.authenticationTolerateLookupFailure,
    };
  }

  /** The authenticator's config, over the trust source and the TokenReview client start-up made. */
  toConfig(trust: TrustSource, review: TokenReviewer, metrics: Metrics): DelegatingAuthenticatorConfig {
    return {
      anonymous: true,
      requestHeader: () => trust.current().requestHeader,
      clientCA: () => trust.current().clientCA,
      tokenReview: { review, cacheTTLSeconds: this.authenticationTokenWebhookCacheTtl },
      metrics,
    };
  }
}
