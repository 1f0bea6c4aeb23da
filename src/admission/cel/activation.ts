/**
 * The values admission expressions see (`newActivation`, `CreateAdmissionRequest`, `CreateNamespaceObject`):
 * the objects in the matched version, the request as an AdmissionRequest without its objects (kind and
 * resource are the matched ones, requestKind and requestResource the request's own), the namespace trimmed to
 * its metadata, spec and status, and the params. Absent values are null. JSON numbers that are integers are
 * CEL ints, as cel-go reads unstructured objects.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { plainToCel } from '../../cel/values.js';
import type { Attributes } from '../interfaces.js';
import type { GroupVersionKind, GroupVersionResource } from '../matching/types.js';

/** The request as `request` shows it, in the version the policy or webhook matched. */
export function admissionRequest(a: Attributes, resource: GroupVersionResource, kind: GroupVersionKind): Record<string, unknown> {
  const userInfo: Record<string, unknown> = {};
  if (a.userInfo) {
    if (a.userInfo.name) userInfo.username = a.userInfo.name;
    if (a.userInfo.uid) userInfo.uid = a.userInfo.uid;
    if (a.userInfo.groups.length > 0) userInfo.groups = a.userInfo.groups;
    if (Object.keys(a.userInfo.extra).length > 0) userInfo.extra = a.userInfo.extra;
  }
  const request: Record<string, unknown> = {
    uid: '',
    kind,
    resource,
    requestKind: a.kind,
    requestResource: a.resource,
    operation: a.operation,
    userInfo,
    dryRun: a.dryRun,
  };
  if (a.subresource) {
    request.subResource = a.subresource;
    request.requestSubResource = a.subresource;
  }
  if (a.name) request.name = a.name;
  if (a.namespace) request.namespace = a.namespace;
  if (a.options) request.options = a.options;
  return request;
}

const NAMESPACE_METADATA = [
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'finalizers',
];

/** The namespace as `namespaceObject`: only metadata's identifying fields, spec and status. */
export function namespaceObject(ns: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!ns) return undefined;
  const meta = (ns.metadata ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {
    metadata: Object.fromEntries(NAMESPACE_METADATA.filter((k) => meta[k] !== undefined).map((k) => [k, meta[k]])),
  };
  if (ns.spec !== undefined) out.spec = ns.spec;
  if (ns.status !== undefined) out.status = ns.status;
  return out;
}

export interface ActivationInput {
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
  request: Record<string, unknown>;
  namespace?: Record<string, unknown> | undefined;
  params?: unknown;
}

/** The activation's variables, each converted once into CEL values. */
export function activation(input: ActivationInput): Record<string, unknown> {
  return {
    object: plainToCel(input.object ?? null),
    oldObject: plainToCel(input.oldObject ?? null),
    request: plainToCel(input.request),
    namespaceObject: plainToCel(namespaceObject(input.namespace) ?? null),
    params: plainToCel(input.params ?? null),
  };
}
