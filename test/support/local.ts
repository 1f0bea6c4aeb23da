/** Starts the real local mode (certificates, kubeconfig, LevelDB on disk) on a free port, for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalServer, startLocal } from '../../src/cmd/local.js';
import type { Options } from '../../src/cmd/options.js';

export function localOptions(dataDir: string, overrides: Partial<Options> = {}): Options {
  return {
    securePort: 0,
    bindAddress: '127.0.0.1',
    certDir: join(dataDir, 'certs'),
    requestheaderAllowedNames: [],
    requestheaderUsernameHeaders: [],
    requestheaderUidHeaders: [],
    requestheaderGroupHeaders: [],
    requestheaderExtraHeadersPrefix: [],
    authenticationSkipLookup: true,
    authenticationTolerateLookupFailure: false,
    authenticationTokenWebhookCacheTtl: 10,
    authorizationWebhookCacheAuthorizedTtl: 10,
    authorizationWebhookCacheUnauthorizedTtl: 10,
    authorizationAlwaysAllowPaths: ['/healthz', '/readyz', '/livez'],
    auditLogMaxage: 0,
    auditLogMaxbackup: 0,
    auditLogMaxsize: 0,
    maxRequestsInflight: 400,
    maxMutatingRequestsInflight: 200,
    apiDefinitions: [],
    dataDir,
    storageBackend: 'leveldb',
    eventHistorySize: 10_000,
    eventHistoryBytes: 64 * 2 ** 20,
    shutdownDelayDuration: 0,
    logLevel: 'silent',
    ...overrides,
  };
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function startTestServer(dataDir: string, overrides: Partial<Options> = {},
  tuning: Parameters<typeof startLocal>[1] = {}): Promise<LocalServer> {
  return startLocal(localOptions(dataDir, overrides), tuning);
}
