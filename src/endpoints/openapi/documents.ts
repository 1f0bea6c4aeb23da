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
  {
    name: 'dryRun',
    in: 'query',
    schema: { type: 'string' },
    type: 'string',
    uniqueItems: true,
    description:
      'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed',
  },
  {
    name: 'fieldManager',
    in: 'query',
    schema: { type: 'string' },
    type: 'string',
    uniqueItems: true,
    description: 'fieldManager is a name associated with the actor or entity that is making these changes.',
  },
  {
    name: 'fieldValidation',
    in: 'query',
    schema: { type: 'string' },
    type: 'string',
    uniqueItems: true,
    description:
      'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore - Warn (default) - Strict',
  },
];
type Paths = Record<string, Record<string, unknown>>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
/** What a custom resource's PATCH takes (no strategic merge patch: it needs Go struct tags). */
export const PATCH_CONTENT_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

/** PATCH alone takes `force`, for server-side apply. */
const PATCH_PARAMETERS = [
  ...WRITE_PARAMETERS,
  {
    name: 'force',
    in: 'query',
    schema: { type: 'boolean' },
    type: 'boolean',
    uniqueItems: true,
    description:
      'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
  },
];

/** `wardle.example.com` -> `WardleExampleCom`, as kube-openapi names discovery operations. */
const camel = (s: string): string =>
  s
    .split(/[.-]/)
    .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1) : ''))
    .join('');

/** How an operation's 200 names its schema: each OpenAPI version references it its own way. */
type Response = (schemaName: string) => unknown;
const V2_REF = (name: string): string => `#/definitions/${name}`;
const V3_REF = (name: string): string => `#/components/schemas/${name}`;
const V2_RESPONSE: Response = (s) => ({ description: 'OK', schema: { $ref: V2_REF(s) } });
const V3_RESPONSE: Response = (s) => ({ description: 'OK', content: { 'application/json': { schema: { $ref: V3_REF(s) } } } });

/** The GET of a discovery document (`/apis/<group>/`, `/apis/<group>/<version>/`), named as kube-openapi names it. */
function discoveryGet(operationId: string, tags: string[], kind: string, response: Response): Record<string, unknown> {
  return { get: { operationId, tags, responses: { 200: response(`${META}.${kind}`), 401: { description: 'Unauthorized' } } } };
}

/** The discovery operation of a group (`GET /apis/<group>/`): listed by itself in the v3 root, as upstream does. */
function groupOperations(group: string, response: Response): Paths {
  return { [`/apis/${group}/`]: discoveryGet(`get${camel(group)}APIGroup`, [group.split('.')[0] as string], 'APIGroup', response) };
}

function operations(defs: ResourceDefinition[], group: string, version: string, response: Response): Paths {
  const tags = [`${group.split('.')[0]}_${version}`];
  const paths: Paths = {
    [`/apis/${group}/${version}/`]: discoveryGet(`get${camel(group)}${camel(version)}APIResources`, tags, 'APIResourceList', response),
  };
  for (const d of defs) {
    if (d.group !== group) continue;
    const v = d.versions.find((x) => x.name === version && x.served);
    if (!v) continue;
    const gvk = { group, version, kind: d.names.kind };
    const kindName = definitionName(group, version, d.names.kind);
    const listName = definitionName(group, version, d.names.listKind);
    /** operationId `<prefix><Kind><suffix>`, e.g. readNamespacedFlunderStatus, as kube-apiserver names a CRD's. */
    const op = (action: string, prefix: string, schema: string, suffix = '', kind: Record<string, string> = gvk): Operation => ({
      operationId: `${prefix}${d.names.kind}${suffix}`,
      tags,
      ...(WRITE_ACTIONS.has(action) ? { parameters: action === 'patch' ? PATCH_PARAMETERS : WRITE_PARAMETERS } : {}),
      ...(action === 'patch' ? { consumes: PATCH_CONTENT_TYPES } : {}),
      responses: { 200: response(schema), 401: { description: 'Unauthorized' } },
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': kind,
    });
    const namespaced = d.scope === 'Namespaced';
    const ns = namespaced ? 'Namespaced' : '';
    const nsParam = {
      name: 'namespace',
      in: 'path',
      required: true,
      schema: { type: 'string' },
      type: 'string',
      description: 'object name and auth scope, such as for teams and projects',
    };
    const nameParam = {
      name: 'name',
      in: 'path',
      required: true,
      schema: { type: 'string' },
      type: 'string',
      description: `name of the ${d.names.kind}`,
    };
    const base = `/apis/${group}/${version}`;
    const scoped = (prefix: string): string =>
      namespaced ? `${prefix}/namespaces/{namespace}/${d.names.plural}` : `${prefix}/${d.names.plural}`;
    const collection = scoped(base);
    const collectionParams = namespaced ? [nsParam] : [];
    const objectParams = [...collectionParams, nameParam];
    paths[collection] = {
      get: op('list', `list${ns}`, listName),
      post: op('post', `create${ns}`, kindName),
      delete: op('deletecollection', `deleteCollection${ns}`, `${META}.Status`),
      parameters: collectionParams,
    };
    if (namespaced) paths[`${base}/${d.names.plural}`] = { get: op('list', 'list', listName, 'ForAllNamespaces') };
    const object = `${collection}/{name}`;
    paths[object] = {
      get: op('get', `read${ns}`, kindName),
      put: op('put', `replace${ns}`, kindName),
      patch: op('patch', `patch${ns}`, kindName),
      delete: op('delete', `delete${ns}`, `${META}.Status`),
      parameters: objectParams,
    };
    if (v.subresources.status) {
      paths[`${object}/status`] = {
        get: op('get', `read${ns}`, kindName, 'Status'),
        put: op('put', `replace${ns}`, kindName, 'Status'),
        patch: op('patch', `patch${ns}`, kindName, 'Status'),
        parameters: objectParams,
      };
    }
    if (v.subresources.scale) {
      const scaleKind = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
      paths[`${object}/scale`] = {
        get: op('get', `read${ns}`, SCALE, 'Scale', scaleKind),
        put: op('put', `replace${ns}`, SCALE, 'Scale', scaleKind),
        patch: op('patch', `patch${ns}`, SCALE, 'Scale', scaleKind),
        parameters: objectParams,
      };
    }
    // The legacy watch paths, deprecated but still served and listed upstream.
    const watches = scoped(`${base}/watch`);
    paths[watches] = { get: op('watchlist', `watch${ns}`, `${META}.WatchEvent`, 'List'), parameters: collectionParams };
    paths[`${watches}/{name}`] = { get: op('watch', `watch${ns}`, `${META}.WatchEvent`), parameters: objectParams };
    if (namespaced)
      paths[`${base}/watch/${d.names.plural}`] = { get: op('watchlist', 'watch', `${META}.WatchEvent`, 'ListForAllNamespaces') };
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
  properties: {
    kind: { type: 'string' },
    apiVersion: { type: 'string' },
    status: { type: 'string' },
    message: { type: 'string' },
    reason: { type: 'string' },
    code: { type: 'integer', format: 'int32' },
  },
};

/** The shared kinds the operations answer with, beside the served resources' own. */
const COMMON_SCHEMAS: Record<string, unknown> = {
  [`${META}.Status`]: STATUS_SCHEMA,
  [`${META}.WatchEvent`]: {
    type: 'object',
    required: ['type', 'object'],
    description: 'Event represents a single event to a watched resource.',
    properties: {
      type: { type: 'string' },
      object: { type: 'object', description: 'The object that changed: the resource, or a Status for an ERROR event.' },
    },
  },
  [`${META}.APIGroup`]: {
    type: 'object',
    description: 'APIGroup contains the name, the supported versions, and the preferred version of a group.',
  },
  [`${META}.APIResourceList`]: {
    type: 'object',
    description:
      'APIResourceList is a list of APIResource, it is used to expose the name of the resources supported in a specific group and version, and if the resource is namespaced.',
  },
  [SCALE]: {
    type: 'object',
    description: 'Scale represents a scaling request for a resource.',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        properties: {
          replicas: { type: 'integer', format: 'int32', description: 'replicas is the desired number of instances for the scaled object.' },
        },
      },
      status: {
        type: 'object',
        required: ['replicas'],
        properties: { replicas: { type: 'integer', format: 'int32' }, selector: { type: 'string' } },
      },
    },
  },
};

export function openAPIV2(defs: ResourceDefinition[]) {
  const definitions: Record<string, unknown> = { ...COMMON_SCHEMAS };
  let paths: Paths = {};
  for (const g of servedGroups(defs)) {
    Object.assign(paths, groupOperations(g.group, V2_RESPONSE));
    for (const version of g.versions) {
      Object.assign(definitions, schemasFor(defs, g.group, version, V2_REF, true));
      Object.assign(paths, operations(defs, g.group, version, V2_RESPONSE));
    }
  }
  paths = params(paths, true);
  return { swagger: '2.0', info: INFO, paths, definitions };
}

export function openAPIV3(defs: ResourceDefinition[], group: string, version: string) {
  const schemas = { ...COMMON_SCHEMAS, ...schemasFor(defs, group, version, V3_REF, false) };
  const paths = toV3Bodies(params(operations(defs, group, version, V3_RESPONSE), false));
  return { openapi: '3.0.0', info: INFO, paths, components: { schemas } };
}

/** The v3 document of a group's own discovery path (`/openapi/v3/apis/<group>`). */
export function openAPIV3Group(group: string) {
  const paths = groupOperations(group, V3_RESPONSE);
  return { openapi: '3.0.0', info: INFO, paths, components: { schemas: { [`${META}.APIGroup`]: COMMON_SCHEMAS[`${META}.APIGroup`] } } };
}

/** v3 has no `consumes`: a PATCH's content types are its requestBody's. */
function toV3Bodies(paths: Paths): Paths {
  for (const item of Object.values(paths)) {
    const patch = item.patch as Operation | undefined;
    if (!patch?.consumes) continue;
    const { consumes, ...rest } = patch;
    item.patch = {
      ...rest,
      requestBody: { required: true, content: Object.fromEntries((consumes as string[]).map((t) => [t, { schema: { type: 'object' } }])) },
    };
  }
  return paths;
}
