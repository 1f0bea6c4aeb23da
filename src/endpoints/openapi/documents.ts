/**
 * OpenAPI documents of the served API: one Swagger 2.0 document (`/openapi/v2`, which kube-aggregator merges
 * per group-version) and one OpenAPI 3.0 document per group-version (`/openapi/v3/apis/<g>/<v>`, which
 * kube-apiserver proxies and `kubectl explain` reads).
 */
import type { ResourceDefinition } from '../../registry/definitions/types.js';
import { servedGroups } from '../discovery/documents.js';
import { definitionName, schemasFor } from './schemas.js';

export const INFO = { title: 'aggregated-apiserver', version: 'v0.1.0' };

type Operation = Record<string, unknown>;

const WRITE_ACTIONS = new Set(['post', 'put', 'patch']);
/**
 * The query parameters of writes. kubectl looks for `fieldValidation` on a resource's operations to learn
 * that the server validates fields itself; without it kubectl validates on the client from protobuf OpenAPI.
 */
const WRITE_PARAMETERS = [
  { name: 'dryRun', in: 'query', schema: { type: 'string' }, type: 'string', uniqueItems: true, description: 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed' },
  { name: 'fieldManager', in: 'query', schema: { type: 'string' }, type: 'string', uniqueItems: true, description: 'fieldManager is a name associated with the actor or entity that is making these changes.' },
  { name: 'fieldValidation', in: 'query', schema: { type: 'string' }, type: 'string', uniqueItems: true, description: 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore - Warn (default) - Strict' },
];
type Paths = Record<string, Record<string, unknown>>;

function operations(defs: ResourceDefinition[], group: string, version: string,
  response: (schemaName: string) => unknown): Paths {
  const paths: Paths = {};
  for (const d of defs) {
    if (d.group !== group) continue;
    const v = d.versions.find((x) => x.name === version && x.served);
    if (!v) continue;
    const gvk = { group, version, kind: d.names.kind };
    const kindName = definitionName(group, version, d.names.kind);
    const listName = definitionName(group, version, d.names.listKind);
    const op = (action: string, id: string, schema: string): Operation => ({
      operationId: `${id}${d.names.kind}`, tags: [`${group.split('.')[0]}_${version}`],
      ...(WRITE_ACTIONS.has(action) ? { parameters: WRITE_PARAMETERS } : {}),
      responses: { 200: response(schema), 401: { description: 'Unauthorized' } },
      'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk,
    });
    const namespaced = d.scope === 'Namespaced';
    const nsParam = { name: 'namespace', in: 'path', required: true, schema: { type: 'string' }, type: 'string', description: 'object name and auth scope, such as for teams and projects' };
    const nameParam = { name: 'name', in: 'path', required: true, schema: { type: 'string' }, type: 'string', description: `name of the ${d.names.kind}` };
    const base = `/apis/${group}/${version}`;
    const collection = namespaced ? `${base}/namespaces/{namespace}/${d.names.plural}` : `${base}/${d.names.plural}`;
    const collectionParams = namespaced ? [nsParam] : [];
    paths[collection] = {
      get: op('list', namespaced ? 'listNamespaced' : 'list', listName),
      post: op('post', namespaced ? 'createNamespaced' : 'create', kindName),
      delete: op('deletecollection', namespaced ? 'deleteCollectionNamespaced' : 'deleteCollection', 'io.k8s.apimachinery.pkg.apis.meta.v1.Status'),
      parameters: collectionParams,
    };
    if (namespaced) paths[`${base}/${d.names.plural}`] = { get: op('list', 'listForAllNamespaces', listName) };
    const object = `${collection}/{name}`;
    paths[object] = {
      get: op('get', namespaced ? 'readNamespaced' : 'read', kindName),
      put: op('put', namespaced ? 'replaceNamespaced' : 'replace', kindName),
      patch: op('patch', namespaced ? 'patchNamespaced' : 'patch', kindName),
      delete: op('delete', namespaced ? 'deleteNamespaced' : 'delete', 'io.k8s.apimachinery.pkg.apis.meta.v1.Status'),
      parameters: [...collectionParams, nameParam],
    };
    if (v.subresources.status) {
      paths[`${object}/status`] = {
        get: op('get', namespaced ? 'readNamespacedStatus' : 'readStatus', kindName),
        put: op('put', namespaced ? 'replaceNamespacedStatus' : 'replaceStatus', kindName),
        patch: op('patch', namespaced ? 'patchNamespacedStatus' : 'patchStatus', kindName),
        parameters: [...collectionParams, nameParam],
      };
    }
  }
  return paths;
}

/** Drops the v3 `schema` of parameters for v2 and the v2 `type` for v3. */
function params(paths: Paths, v2: boolean): Paths {
  const fix = (holder: Record<string, unknown>): void => {
    const list = holder.parameters as Record<string, unknown>[] | undefined;
    if (!list) return;
    holder.parameters = list.map(({ schema, type, ...rest }) => (v2 ? { ...rest, type } : { ...rest, schema }));
  };
  for (const item of Object.values(paths)) {
    fix(item);
    for (const op of Object.values(item)) if (op && typeof op === 'object' && !Array.isArray(op)) fix(op as Record<string, unknown>);
  }
  return paths;
}

const STATUS_SCHEMA = {
  type: 'object',
  description: 'Status is a return value for calls that do not return other objects.',
  properties: { kind: { type: 'string' }, apiVersion: { type: 'string' }, status: { type: 'string' }, message: { type: 'string' }, reason: { type: 'string' }, code: { type: 'integer', format: 'int32' } },
};

export function openAPIV2(defs: ResourceDefinition[]) {
  const ref = (name: string): string => `#/definitions/${name}`;
  const definitions: Record<string, unknown> = { 'io.k8s.apimachinery.pkg.apis.meta.v1.Status': STATUS_SCHEMA };
  let paths: Paths = {};
  for (const g of servedGroups(defs)) {
    for (const version of g.versions) {
      Object.assign(definitions, schemasFor(defs, g.group, version, ref, true));
      Object.assign(paths, operations(defs, g.group, version, (s) => ({ description: 'OK', schema: { $ref: ref(s) } })));
    }
  }
  paths = params(paths, true);
  return { swagger: '2.0', info: INFO, paths, definitions };
}

export function openAPIV3(defs: ResourceDefinition[], group: string, version: string) {
  const ref = (name: string): string => `#/components/schemas/${name}`;
  const schemas = { 'io.k8s.apimachinery.pkg.apis.meta.v1.Status': STATUS_SCHEMA, ...schemasFor(defs, group, version, ref, false) };
  const paths = params(operations(defs, group, version, (s) => ({
    description: 'OK', content: { 'application/json': { schema: { $ref: ref(s) } } },
  })), false);
  return { openapi: '3.0.0', info: INFO, paths, components: { schemas } };
}
