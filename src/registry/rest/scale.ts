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
  return path.replace(/^\./, '').split('.').filter((s) => s !== '');
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

/** Writes a Scale's spec.replicas into the object, carrying its resourceVersion as the precondition. */
export function applyScale(obj: KubeObject, scale: unknown, sub: ScaleSubresource): KubeObject {
  if (!isPlainObject(scale) || scale.kind !== 'Scale') {
    throw newBadRequest(`the kind in the data (${String(isPlainObject(scale) ? scale.kind : '')}) does not match the expected kind (Scale)`);
  }
  const spec = isPlainObject(scale.spec) ? scale.spec : {};
  const replicas = spec.replicas;
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) {
    throw newBadRequest(`spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  setPath(obj, sub.specReplicasPath, replicas ?? 0);
  const meta = isPlainObject(scale.metadata) ? scale.metadata : {};
  obj.metadata.resourceVersion = typeof meta.resourceVersion === 'string' ? meta.resourceVersion : undefined;
  return obj;
}
