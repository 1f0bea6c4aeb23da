/** Helm 3, built from source at a pinned version with the machine's Go toolchain and cached between runs. */
import { ensureGoTool } from './go-tool.js';

export const HELM_VERSION = 'v3.22.0';

/** Returns the path of a `helm` binary at HELM_VERSION; the first call builds it (minutes), later calls reuse it. */
export function ensureHelm(): Promise<string> {
  return ensureGoTool({
    name: 'helm',
    pkg: 'helm.sh/helm/v3/cmd/helm',
    version: HELM_VERSION,
    // What helm's Makefile sets: its version, and the Kubernetes version of its client-go (v0.37 -> 1.37)
    // as the default for `.Capabilities.KubeVersion` and deprecation lint; a plain build says 1.20.
    ldflags: [
      `-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`,
      ...['pkg/lint/rules', 'pkg/chartutil'].flatMap((pkg) => [
        `-X helm.sh/helm/v3/${pkg}.k8sVersionMajor=1`,
        `-X helm.sh/helm/v3/${pkg}.k8sVersionMinor=37`,
      ]),
    ],
  });
}
