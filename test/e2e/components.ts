/**
 * The real control-plane components the end-to-end suite runs against, built from the Go module proxy with
 * the machine's Go toolchain at pinned versions and cached in ~/.cache/aggregated-apiserver/bin.
 */
import { ensureGoModuleBuild, ensureGoTool, goModOf } from '../tools/go-tool.js';

/** The newest Kubernetes release whose go.mod the machine's Go (1.26) builds. */
export const KUBERNETES_VERSION = 'v1.37.2';
/** The etcd that KUBERNETES_VERSION's go.mod requires (go.etcd.io/etcd/client/v3). */
export const ETCD_VERSION = 'v3.7.0';

/**
 * k8s.io/kubernetes points its staging modules (k8s.io/api, k8s.io/apiserver, ...) at ./staging with
 * replace directives, which do not carry over to a module that requires it; each is published on its own
 * as v0.<minor>.<patch>, so the build's go.mod maps every one of them to that version.
 */
export function stagingReplaces(kubernetesGoMod: string, kubernetesVersion: string): string[] {
  const stagingVersion = kubernetesVersion.replace(/^v1\./, 'v0.');
  const modules = [...kubernetesGoMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\//gm)].map((m) => m[1] as string);
  if (modules.length === 0) throw new Error(`k8s.io/kubernetes ${kubernetesVersion}: no staging replace directives found in its go.mod`);
  return modules.map((m) => `${m} => ${m} ${stagingVersion}`);
}

/** Builds one of Kubernetes' commands (`cmd/<name>`) at KUBERNETES_VERSION, once, and returns its path. */
function ensureKubernetesCommand(name: string): Promise<string> {
  const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(KUBERNETES_VERSION) ?? [];
  return ensureGoModuleBuild({
    name,
    version: KUBERNETES_VERSION,
    pkg: `k8s.io/kubernetes/cmd/${name}`,
    goMod: async () => {
      const replaces = stagingReplaces(await goModOf('k8s.io/kubernetes', KUBERNETES_VERSION), KUBERNETES_VERSION);
      return `module e2e/${name}\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes ${KUBERNETES_VERSION}\n\nreplace (\n${replaces.map((r) => `\t${r}\n`).join('')})\n`;
    },
    // What Kubernetes' release build stamps (hack/lib/version.sh), so /version and kubectl's skew check
    // see the real release rather than v0.0.0-master.
    ldflags: ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
      `-X ${pkg}.gitVersion=${KUBERNETES_VERSION}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
    ]),
  });
}

/** kube-apiserver: the first build takes about 5 minutes on 2 cores, plus downloads. */
export function ensureKubeApiserver(): Promise<string> {
  return ensureKubernetesCommand('kube-apiserver');
}

/**
 * kube-controller-manager, for the controllers that act on every API group through discovery: namespace
 * deletion, garbage collection, ClusterRole aggregation. Mostly the same packages as kube-apiserver.
 */
export function ensureKubeControllerManager(): Promise<string> {
  return ensureKubernetesCommand('kube-controller-manager');
}

/** Builds etcd (about a minute) and returns its path. Its module's main package is go.etcd.io/etcd/server/v3. */
export function ensureEtcd(): Promise<string> {
  return ensureGoModuleBuild({
    name: 'etcd',
    version: ETCD_VERSION,
    pkg: 'go.etcd.io/etcd/server/v3',
    goMod: async () => `module e2e/etcd\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 ${ETCD_VERSION}\n`,
  });
}

/** k8s.io/sample-apiserver is published with the staging modules, at KUBERNETES_VERSION's v0.<minor>.<patch>. */
export const SAMPLE_APISERVER_VERSION = KUBERNETES_VERSION.replace(/^v1\./, 'v0.');

/**
 * The Go sample-apiserver (wardle.example.com), the reference our built-in group is compared with. Its own
 * go.mod has no replace directives (it requires the published staging modules), so `go install` builds it;
 * after kube-apiserver it reuses most of the compiled k8s.io/apiserver packages.
 */
export function ensureSampleApiserver(): Promise<string> {
  return ensureGoTool({ name: 'sample-apiserver', pkg: 'k8s.io/sample-apiserver', version: SAMPLE_APISERVER_VERSION });
}
