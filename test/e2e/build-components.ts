/**
 * Builds (or finds cached) every component the end-to-end suite runs, and says how long it took: CI runs
 * it before the tests, so a first build on a fresh machine neither competes with the tests for the two
 * cores nor hides inside a test's time.
 */
import { ensureHelm } from '../tools/helm.js';
import { ensureEtcd, ensureKubeApiserver, ensureKubeControllerManager, ensureSampleApiserver } from './components.js';

const started = Date.now();
// kube-controller-manager after kube-apiserver: it then reuses most of the compiled packages (about 1.5 minutes
// instead of a second full build competing for the same two cores).
const [etcd, [kubeApiserver, kubeControllerManager], helm] = await Promise.all([
  ensureEtcd(),
  ensureKubeApiserver().then(async (kas) => [kas, await ensureKubeControllerManager()]),
  ensureHelm(),
]);
// The sample-apiserver last, alone: it needs the same k8s.io/apiserver packages, compiled by then.
const sampleApiserver = await ensureSampleApiserver();
process.stdout.write(
  `${[etcd, kubeApiserver, kubeControllerManager, helm, sampleApiserver].join('\n')}\nready in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
);
