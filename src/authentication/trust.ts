/**
 * Where trust comes from (`options/authentication.go`): the flags, or, for what they leave unset, the
 * ConfigMap `kube-system/extension-apiserver-authentication` that kube-apiserver publishes (client CA, and
 * the request-header CA, allowed names and header names). The ConfigMap is read at start, then watched, and
 * read again every minute in case a watch event was missed, so a rotated CA applies without a restart.
 */
import { readFile } from 'node:fs/promises';
import type { X509Certificate } from 'node:crypto';
import type { RequestHeaderConfig } from './requestheader.js';
import { parseBundle } from './x509.js';

export const AUTHENTICATION_CONFIGMAP = { namespace: 'kube-system', name: 'extension-apiserver-authentication' };
const REFRESH_MS = 60_000;

export interface TrustFlags {
  clientCaFile?: string;
  requestheaderClientCaFile?: string;
  requestheaderAllowedNames: string[];
  requestheaderUsernameHeaders: string[];
  requestheaderUidHeaders: string[];
  requestheaderGroupHeaders: string[];
  requestheaderExtraHeadersPrefix: string[];
  skipLookup: boolean;
  tolerateLookupFailure: boolean;
}

export interface Trust {
  clientCA: X509Certificate[];
  requestHeader?: RequestHeaderConfig;
}

const jsonList = (v: string | undefined): string[] => {
  if (!v) return [];
  const parsed: unknown = JSON.parse(v);
  return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
};

/** The trust a ConfigMap's data describes, under the flags that override it. */
export function trustFrom(
  flags: TrustFlags,
  files: { clientCA?: string; requestHeaderCA?: string },
  data: Record<string, string> | undefined,
): Trust {
  const trust: Trust = { clientCA: parseBundle(files.clientCA ?? data?.['client-ca-file'] ?? '') };
  if (files.requestHeaderCA !== undefined) {
    trust.requestHeader = {
      caBundle: parseBundle(files.requestHeaderCA),
      allowedNames: flags.requestheaderAllowedNames,
      usernameHeaders: flags.requestheaderUsernameHeaders.length ? flags.requestheaderUsernameHeaders : ['X-Remote-User'],
      uidHeaders: flags.requestheaderUidHeaders,
      groupHeaders: flags.requestheaderGroupHeaders.length ? flags.requestheaderGroupHeaders : ['X-Remote-Group'],
      extraHeaderPrefixes: flags.requestheaderExtraHeadersPrefix.length ? flags.requestheaderExtraHeadersPrefix : ['X-Remote-Extra-'],
    };
  } else if (data?.['requestheader-client-ca-file']) {
    trust.requestHeader = {
      caBundle: parseBundle(data['requestheader-client-ca-file']),
      allowedNames: jsonList(data['requestheader-allowed-names']),
      usernameHeaders: jsonList(data['requestheader-username-headers']),
      uidHeaders: jsonList(data['requestheader-uid-headers']),
      groupHeaders: jsonList(data['requestheader-group-headers']),
      extraHeaderPrefixes: jsonList(data['requestheader-extra-headers-prefix']),
    };
  }
  return trust;
}

export class TrustSource {
  private trust: Trust = { clientCA: [] };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly flags: TrustFlags,
    private readonly readConfigMap: ((ns: string, name: string) => Promise<Record<string, string> | undefined>) | undefined,
    private readonly log: (msg: string, err?: unknown) => void,
    private readonly refreshMs = REFRESH_MS,
    private readonly watchConfigMap?: (
      ns: string,
      name: string,
      onChange: (data: Record<string, string> | undefined) => void,
    ) => () => void,
  ) {}

  private stopWatch: (() => void) | undefined;

  current(): Trust {
    return this.trust;
  }

  private async load(pushed?: { data: Record<string, string> | undefined }): Promise<void> {
    const files = {
      clientCA: this.flags.clientCaFile ? await readFile(this.flags.clientCaFile, 'utf8') : undefined,
      requestHeaderCA: this.flags.requestheaderClientCaFile ? await readFile(this.flags.requestheaderClientCaFile, 'utf8') : undefined,
    };
    const needLookup = !this.flags.skipLookup && this.readConfigMap && (!files.clientCA || !files.requestHeaderCA);
    const data = !needLookup
      ? undefined
      : pushed
        ? pushed.data
        : await this.readConfigMap?.(AUTHENTICATION_CONFIGMAP.namespace, AUTHENTICATION_CONFIGMAP.name);
    if (needLookup && data === undefined)
      this.log(
        `configmap ${AUTHENTICATION_CONFIGMAP.namespace}/${AUTHENTICATION_CONFIGMAP.name} not found: no client or front-proxy CA from the cluster`,
      );
    this.trust = trustFrom(this.flags, files, data);
  }

  /** Reads trust once (failing start-up unless lookup failures are tolerated), then refreshes it every minute. */
  async start(): Promise<void> {
    try {
      await this.load();
    } catch (err) {
      if (!this.flags.tolerateLookupFailure) {
        throw new Error(
          `unable to load configmap based request-header-client-ca-file: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      this.log('error looking up in-cluster authentication configuration; continuing without it', err);
    }
    this.timer = setInterval(() => {
      this.load().catch((err: unknown) => this.log('refreshing the authentication configuration failed; keeping the last one', err));
    }, this.refreshMs);
    this.timer.unref();
    if (this.watchConfigMap && !this.flags.skipLookup) {
      this.stopWatch = this.watchConfigMap(AUTHENTICATION_CONFIGMAP.namespace, AUTHENTICATION_CONFIGMAP.name, (data) => {
        this.load({ data }).catch((err: unknown) =>
          this.log('applying the changed authentication configuration failed; keeping the last one', err),
        );
      });
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.stopWatch?.();
  }
}
