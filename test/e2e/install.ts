/**
 * deploy/ installed as the README tells an operator: a serving certificate in tls/, then `kubectl kustomize`
 * and `kubectl apply`, with the Service and APIServices pointed at our local process (loopback.ts).
 */
import { cp as copy } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { deployDir, execOk, makeServingCert, parseManifests } from '../deploy/manifests.js';
import { waitAvailable } from './apiservice.js';
import type { ControlPlane } from './control-plane.js';
import { type ExtensionServer, type StartOptions, startFromWorkload } from './extension-server.js';
import { toLoopback } from './loopback.js';

export const DEPLOY_NAMESPACE = 'aggregated-apiserver';
export const DEPLOY_STATEFULSET = 'aggregated-apiserver';
export const WARDLE_API_SERVICES = ['v1alpha1.wardle.example.com', 'v1beta1.wardle.example.com'];

export async function installDeploy(cp: ControlPlane, port: number): Promise<void> {
  const deploy = join(cp.dir, 'deploy');
  await copy(deployDir, deploy, { recursive: true });
  await makeServingCert(join(deploy, 'tls'));
  const objs = toLoopback(parseManifests(await execOk('kubectl', ['kustomize', deploy])), port);
  await cp.kubectl().ok(['apply', '-f', '-'], objs.map((o) => stringify(o)).join('---\n'));
}

/**
 * deploy/ installed for a server on `port`, that server started from the installed StatefulSet (with `opts`
 * on top), and both APIServices Available; a server whose APIServices never become Available is stopped.
 */
export async function installAndStart(cp: ControlPlane, port: number, opts: Partial<StartOptions> = {}): Promise<ExtensionServer> {
  await installDeploy(cp, port);
  const server = await startFromWorkload({
    controlPlane: cp,
    namespace: DEPLOY_NAMESPACE,
    workload: `statefulset/${DEPLOY_STATEFULSET}`,
    port,
    dir: cp.dir,
    ...opts,
  });
  try {
    await waitAvailable(cp.kubectl(), WARDLE_API_SERVICES, () => `${server.process.tail()}\n${cp.logTail()}`);
  } catch (err) {
    await server.process.stop();
    throw err;
  }
  return server;
}
