/**
 * client-go-apply (main.go beside this file): client-go's dynamic client server-side applying a Flunder,
 * built once per version of its source and cached with the other tools.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureGoModuleBuild } from './go-tool.js';

/** The client-go of the Kubernetes release the suite runs (KUBERNETES_VERSION v1.37.2). */
export const CLIENT_GO_VERSION = 'v0.37.2';

const source = join(import.meta.dirname, 'client-go-apply', 'main.go');

/** Returns the path of the client-go-apply binary; the first call for a given main.go builds it (a minute or two). */
export async function ensureClientGoApply(): Promise<string> {
  const main = await readFile(source, 'utf8');
  const hash = createHash('sha256').update(main).digest('hex').slice(0, 12);
  return ensureGoModuleBuild({
    name: 'client-go-apply',
    version: `${CLIENT_GO_VERSION}-${hash}`,
    pkg: '.',
    goMod: async () =>
      `module e2e/client-go-apply\n\ngo 1.26.0\n\nrequire (\n\tk8s.io/apimachinery ${CLIENT_GO_VERSION}\n\tk8s.io/client-go ${CLIENT_GO_VERSION}\n)\n`,
    files: { 'main.go': main },
  });
}
