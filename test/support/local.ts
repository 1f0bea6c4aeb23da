/**
 * Starts the real local mode (certificates, kubeconfig, LevelDB on disk) on a free port, for tests; and the
 * options of `serve` for the tests of delegated security.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalFlags, LocalOptions, type LocalServer, startLocal } from '../../src/cmd/local.js';
import { type ServeFlags, ServeOptions } from '../../src/cmd/serve.js';

/** Local mode on a free port, quiet, with its data in `dataDir`. */
export function localOptions(dataDir: string, overrides: Partial<LocalFlags> = {}): LocalOptions {
  return new LocalOptions().applyFlags({ securePort: 0, dataDir, logLevel: 'silent', ...overrides });
}

/** `serve` on a free port of loopback, quiet, with a self-signed certificate in `<dataDir>/certs` and no ConfigMap lookup. */
export function serveOptions(dataDir: string, overrides: Partial<ServeFlags> = {}): ServeOptions {
  return new ServeOptions().applyFlags({
    securePort: 0,
    bindAddress: '127.0.0.1',
    dataDir,
    certDir: join(dataDir, 'certs'),
    authenticationSkipLookup: true,
    logLevel: 'silent',
    ...overrides,
  });
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function startTestServer(
  dataDir: string,
  overrides: Partial<LocalFlags> = {},
  tuning: Parameters<typeof startLocal>[1] = {},
): Promise<LocalServer> {
  return startLocal(localOptions(dataDir, overrides), tuning);
}
