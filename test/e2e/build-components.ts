/**
 * Builds (or finds cached) every component the end-to-end suite runs, and says how long it took: CI runs
 * it before the tests, so a first build on a fresh machine neither competes with the tests for the two
 * cores nor hides inside a test's time.
 */
import { ensureHelm } from '../tools/helm.js';
import { ensureEtcd, ensureKubeApiserver, ensureKubeControllerManager } from './components.js';

const started = Date.now();
const built = await Promise.all([ensureEtcd(), ensureKubeApiserver(), ensureKubeControllerManager(), ensureHelm()]);
process.stdout.write(`${built.join('\n')}\nready in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
