/** Helm 3 and Helm 4, built from source at pinned versions with the machine's Go toolchain and cached between runs. */
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

/** Helm 4 installs and upgrades with server-side apply by default, where Helm 3 patches three-way. */
export const HELM4_VERSION = 'v4.3.1';

/** Returns the path of a `helm` binary at HELM4_VERSION; the first call builds it (minutes), later calls reuse it. */
export function ensureHelm4(): Promise<string> {
  return ensureGoTool({
    name: 'helm',
    pkg: 'helm.sh/helm/v4/cmd/helm',
    version: HELM4_VERSION,
    // What Helm 4's Makefile sets for a tagged build: the version (metadata stays empty) and a clean tree.
    // The default `.Capabilities.KubeVersion` comes from client-go's module version in the build info, so
    // Helm 4 needs no k8sVersion flags.
    ldflags: [
      '-w',
      '-s',
      `-X helm.sh/helm/v4/internal/version.version=${HELM4_VERSION}`,
      '-X helm.sh/helm/v4/internal/version.gitTreeState=clean',
    ],
  });
}
