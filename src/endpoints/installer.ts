/**
 * Installs the REST routes of every served version of every resource (`pkg/endpoints/installer.go`):
 * collection, all-namespaces list, object, the /status and /scale subresources the definition declares, and
 * the legacy `/watch/` paths upstream still serves. Every method is routed, so a method a path does not
 * support gets kube-apiserver's 405 Status. Every request to a deprecated version carries its warning.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { type AdmissionChain, NO_ADMISSION } from '../admission/chain.js';
import { newMethodNotAllowed, newNotFound } from '../apimachinery/errors.js';
import type { ResourceDefinition, VersionDefinition } from '../registry/definitions/types.js';
import { compareVersions } from './discovery/version-priority.js';
import { ResourceStore } from '../registry/rest/resource-store.js';
import { resourceScope } from '../registry/rest/scope.js';
import type { Storage } from '../storage/interfaces.js';
import { createObject } from './handlers/create.js';
import { deleteCollection, deleteOne } from './handlers/delete.js';
import { getObject } from './handlers/get.js';
import { legacyWatch, listOrWatch } from './handlers/list.js';
import { outputFormat, warningHeader } from './serializer.js';
import { patchObject } from './handlers/patch.js';
import type { RouteContext } from './handlers/route-context.js';
import { getScale, updateScale } from './handlers/scale.js';
import { updateObject } from './handlers/update.js';
import type { WatchRegistry } from './handlers/watch-registry.js';

type Handler = (ctx: RouteContext, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

const ALL_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * The warning every request to a deprecated version gets: the definition's own, or apiextensions-apiserver's
 * default, which names the newest served version that is not deprecated.
 */
export function deprecationWarning(def: ResourceDefinition, version: VersionDefinition): string {
  if (version.deprecationWarning) return version.deprecationWarning;
  const message = `${def.group}/${version.name} ${def.names.kind} is deprecated`;
  const newer = def.versions
    .filter((v) => v.served && !v.deprecated && compareVersions(v.name, version.name) < 0)
    .sort((a, b) => compareVersions(a.name, b.name));
  return newer[0] ? `${message}; use ${def.group}/${newer[0].name} ${def.names.kind}` : message;
}

function route(app: FastifyInstance, url: string, ctx: RouteContext, handlers: Partial<Record<string, Handler>>): void {
  const warning = ctx.scope.version.deprecated ? deprecationWarning(ctx.scope.def, ctx.scope.version) : undefined;
  // Before the body is read, as upstream's handler warns before it decodes: a body that does not parse is
  // still a request to the deprecated version. A method the path does not serve, or an Accept that cannot
  // be met, never reaches that handler upstream, so it gets no warning.
  const header = warning === undefined ? '' : warningHeader(warning);
  const warn = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!handlers[req.method]) return;
    // Protobuf reaches upstream's handler (its routes produce it) and is refused there, after the warning.
    const protobuf = (req.headers.accept ?? '').includes('application/vnd.kubernetes.protobuf');
    try {
      outputFormat(req);
    } catch {
      if (!protobuf) return;
    }
    // The first warning of the request: the header is made once, not per request.
    reply.header('Warning', header);
  };
  app.route({
    method: ALL_METHODS,
    url,
    exposeHeadRoute: false,
    ...(warning ? { onRequest: warn } : {}),
    handler: async (req, reply) => {
      const handler = handlers[req.method];
      if (!handler) throw newMethodNotAllowed();
      return handler(ctx, req, reply);
    },
  });
}

const notFound: Handler = async (ctx, req) => {
  throw newNotFound(ctx.scope.gr, (req.params as { name: string }).name);
};

export function installResources(
  app: FastifyInstance,
  defs: ResourceDefinition[],
  storage: Storage,
  watches: WatchRegistry,
  admission: AdmissionChain = NO_ADMISSION,
): void {
  for (const def of defs) {
    const store = new ResourceStore(def, storage, admission);
    for (const version of def.versions.filter((v) => v.served)) {
      const ctx: RouteContext = { store, scope: resourceScope(def, version), watches };
      const base = `/apis/${def.group}/${version.name}`;
      const plural = def.names.plural;
      const collection = def.scope === 'Namespaced' ? `${base}/namespaces/:namespace/${plural}` : `${base}/${plural}`;
      const object = `${collection}/:name`;
      route(app, collection, ctx, { GET: listOrWatch, POST: createObject, DELETE: deleteCollection });
      if (def.scope === 'Namespaced') route(app, `${base}/${plural}`, ctx, { GET: listOrWatch });
      route(app, object, ctx, { GET: getObject, PUT: updateObject(''), PATCH: patchObject(''), DELETE: deleteOne });
      // Deprecated since 1.11 but still served: `/watch/<collection>` and `/watch/<collection>/<name>`.
      const watchBase = `${base}/watch`;
      const watchCollection = def.scope === 'Namespaced' ? `${watchBase}/namespaces/:namespace/${plural}` : `${watchBase}/${plural}`;
      route(app, watchCollection, ctx, { GET: legacyWatch });
      route(app, `${watchCollection}/:name`, ctx, { GET: legacyWatch });
      if (def.scope === 'Namespaced') route(app, `${watchBase}/${plural}`, ctx, { GET: legacyWatch });
      // A subresource this version does not have is, as kube-apiserver's CRD handler answers, an object not found.
      const absent = Object.fromEntries(ALL_METHODS.map((m) => [m, notFound]));
      route(
        app,
        `${object}/status`,
        ctx,
        version.subresources.status ? { GET: getObject, PUT: updateObject('status'), PATCH: patchObject('status') } : absent,
      );
      route(app, `${object}/scale`, ctx, version.subresources.scale ? { GET: getScale, PUT: updateScale, PATCH: updateScale } : absent);
    }
  }
}
