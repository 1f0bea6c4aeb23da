/** Helm 3, built from source at a pinned version with the machine's Go toolchain and cached between runs. */
import { ensureGoTool } from './go-tool.js';

export const HELM_VERSION = 'v3.22.0';

/** Returns the path of a `helm` binary at HELM_VERSION; the first call builds it (minutes), later calls reuse it. */
export function ensureHelm(): Promise<string> {
  return ensureGoTool({ name: 'helm', pkg: 'helm.sh/helm/v3/cmd/helm', version: HELM_VERSION });
}
