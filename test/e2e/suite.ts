/**
 * What every end-to-end test file shares: whether the suite runs, the components it builds, and a control
 * plane in a directory of its own. Builds take minutes only the first time (cached by version).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEtcd, ensureKubeApiserver, ensureKubeControllerManager } from './components.js';
import { ControlPlane, type ControlPlaneOptions } from './control-plane.js';

/**
 * A developer may skip the suite locally (AGGREGATED_APISERVER_SKIP_E2E=1); CI never does, so a machine
 * that cannot build a component fails the run with the build's message rather than skipping in silence.
 */
export const skipE2E = process.env.AGGREGATED_APISERVER_SKIP_E2E === '1' && process.env.CI !== 'true';

/** Room for the first build of kube-apiserver on a fresh 2-core machine (about 5 minutes measured, plus downloads). */
export const BUILD_TIMEOUT_MS = 45 * 60_000;

export async function startControlPlane(prefix: string, opts: { controllers?: boolean } & ControlPlaneOptions = {}): Promise<ControlPlane> {
  // kube-controller-manager after kube-apiserver, so that a first build reuses its compiled packages.
  const [etcd, [kubeApiserver, kubeControllerManager]] = await Promise.all([
    ensureEtcd(),
    ensureKubeApiserver().then(
      async (kas) => [kas, opts.controllers || opts.kubeControllers ? await ensureKubeControllerManager() : undefined] as const,
    ),
  ]);
  const dir = await mkdtemp(join(tmpdir(), `e2e-${prefix}-`));
  return ControlPlane.start(
    dir,
    { etcd, kubeApiserver, kubeControllerManager },
    { durable: opts.durable, audit: opts.audit, kubeApiserverArgs: opts.kubeApiserverArgs, kubeControllers: opts.kubeControllers },
  );
}
