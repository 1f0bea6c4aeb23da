/**
 * Builds (or finds cached) every component the end-to-end suite runs, and says how long it took: CI runs
 * it before the tests, so a first build on a fresh machine neither competes with the tests for the two
 * cores nor hides inside a test's time.
 */
import { ensureClientGoApply } from '../tools/client-go-apply.js';
import { ensureHelm, ensureHelm4 } from '../tools/helm.js';
import { ensureEtcd, ensureKubeApiserver, ensureKubeControllerManager, ensureSampleApiserver } from './components.js';

const started = Date.now();
// kube-controller-manager after kube-apiserver: it then reuses most of the compiled packages (about 1.5 minutes
// instead of a second full build competing for the same two cores). Helm 4 after Helm 3, for the same reason.
const [etcd, [kubeApiserver, kubeControllerManager], [helm, helm4]] = await Promise.all([
  ensureEtcd(),
  ensureKubeApiserver().then(async (kas) => [kas, await ensureKubeControllerManager()]),
  ensureHelm().then(async (h3) => [h3, await ensureHelm4()]),
]);
// The sample-apiserver and client-go-apply last, alone: they need the k8s.io/apiserver and client-go
// packages compiled by then.
const sampleApiserver = await ensureSampleApiserver();
const clientGoApply = await ensureClientGoApply();
process.stdout.write(
  `${[etcd, kubeApiserver, kubeControllerManager, helm, helm4, sampleApiserver, clientGoApply].join('\n')}\nready in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
);
