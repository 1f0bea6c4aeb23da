/**
 * The /scale subresource of a custom resource: an `autoscaling/v1` Scale read from and written to the
 * paths the definition names (specReplicasPath, statusReplicasPath, labelSelectorPath).
 */
import { newBadRequest } from '../../apimachinery/errors.js';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import type { ScaleSubresource } from '../definitions/types.js';

export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: KubeObject['metadata'];
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

/** `.spec.replicas` -> ['spec', 'replicas']. */
function segments(path: string): string[] {
  return path
    .replace(/^\./, '')
    .split('.')
    .filter((s) => s !== '');
}

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const s of segments(path)) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[s];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = segments(path);
  let cur = obj;
  for (const s of parts.slice(0, -1)) {
    if (!isPlainObject(cur[s])) cur[s] = {};
    cur = cur[s] as Record<string, unknown>;
  }
  const last = parts.at(-1);
  if (last !== undefined) cur[last] = value;
}

export function scaleOf(obj: KubeObject, sub: ScaleSubresource): Scale {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  const specReplicas = getPath(obj, sub.specReplicasPath);
  const statusReplicas = getPath(obj, sub.statusReplicasPath);
  const selector = sub.labelSelectorPath ? getPath(obj, sub.labelSelectorPath) : undefined;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: typeof specReplicas === 'number' ? { replicas: specReplicas } : {},
    status: {
      replicas: typeof statusReplicas === 'number' ? statusReplicas : 0,
      ...(typeof selector === 'string' ? { selector } : {}),
    },
  };
}

/**
 * Writes a Scale's spec.replicas into the object (`scaleUpdatedObjectInfo`). A Scale that names a
 * resourceVersion makes it the precondition; one that does not updates whatever is current, as upstream's
 * scale subresource allows. A PUT's Scale must carry the URL's name.
 */
export function applyScale(obj: KubeObject, scale: unknown, sub: ScaleSubresource, urlName?: string): KubeObject {
  if (!isPlainObject(scale) || scale.kind !== 'Scale') {
    throw newBadRequest(
      `the kind in the data (${String(isPlainObject(scale) ? scale.kind : '')}) does not match the expected kind (Scale)`,
    );
  }
  const meta = isPlainObject(scale.metadata) ? scale.metadata : {};
  if (urlName !== undefined && (meta.name ?? '') !== urlName) {
    throw newBadRequest(`the name of the object (${String(meta.name ?? '')}) does not match the name on the URL (${urlName})`);
  }
  const spec = isPlainObject(scale.spec) ? scale.spec : {};
  const replicas = spec.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas > 2147483647 || replicas < -2147483648) {
    throw newBadRequest(`json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
  }
  // A negative count is written and refused by the resource's own validation, as kube-apiserver does.
  setPath(obj, sub.specReplicasPath, replicas);
  if (typeof meta.resourceVersion === 'string' && meta.resourceVersion !== '') obj.metadata.resourceVersion = meta.resourceVersion;
  return obj;
}
