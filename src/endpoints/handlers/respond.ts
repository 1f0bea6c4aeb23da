/**
 * Writing objects back: JSON, YAML, a Table or PartialObjectMetadata as negotiated, with the `Warning`
 * headers a write collected.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify as toYaml } from 'yaml';
import { newNotAcceptable } from '../../apimachinery/errors.js';
import type { KubeObject, ListMeta } from '../../apimachinery/types.js';
import type { ResourceScope } from '../../registry/rest/scope.js';
import { negotiateOutput, tableApiVersion } from '../negotiation/accept.js';
import { tableForObjects } from '../table/table.js';
import { queryParam } from './query.js';

/** Warnings go out as RFC 7234 warn-code 299, one header each, as kube-apiserver sends them; added to any already set. */
export function setWarnings(reply: FastifyReply, warnings: string[]): void {
  if (warnings.length === 0) return;
  const existing = reply.getHeader('Warning');
  const before = existing === undefined ? [] : ([] as string[]).concat(existing as string | string[]);
  reply.header('Warning', [...new Set([...before, ...warnings.map((w) => `299 - ${JSON.stringify(w)}`)])]);
}

/** `body` as JSON; `serialized` when it already is JSON text. */
export function sendJson(reply: FastifyReply, code: number, body: unknown, serialized = false): FastifyReply {
  return reply.code(code).type('application/json').send(serialized ? body as string : JSON.stringify(body));
}

function send(req: FastifyRequest, reply: FastifyReply, code: number, body: unknown): FastifyReply {
  if (negotiateOutput(req.headers.accept, false) === 'yaml') {
    return reply.code(code).type('application/yaml').send(toYaml(body));
  }
  return sendJson(reply, code, body);
}

const META_V1 = 'meta.k8s.io/v1';

/** An object's metadata alone (`meta.AsPartialObjectMetadata`). */
export function partialObjectMetadata(obj: KubeObject): { kind: string; apiVersion: string; metadata: KubeObject['metadata'] } {
  return { kind: 'PartialObjectMetadata', apiVersion: META_V1, metadata: obj.metadata };
}

/** One object, its one-row Table when kubectl asked for a Table, or its PartialObjectMetadata. */
export function sendObject(req: FastifyRequest, reply: FastifyReply, scope: ResourceScope, code: number,
  obj: KubeObject): FastifyReply {
  const format = negotiateOutput(req.headers.accept);
  if (format === 'PartialObjectMetadata') return sendJson(reply, code, partialObjectMetadata(obj));
  if (format === 'PartialObjectMetadataList') {
    throw newNotAcceptable(`you requested PartialObjectMetadataList, but the requested object is not a list (${scope.def.names.kind})`);
  }
  if (format === 'table') {
    const table = tableForObjects([obj], scope.version, {
      includeObject: queryParam(req, 'includeObject'),
      apiVersion: tableApiVersion(req.headers.accept),
      listMeta: { resourceVersion: obj.metadata.resourceVersion },
    });
    return sendJson(reply, code, table);
  }
  return send(req, reply, code, obj);
}

export function sendList(req: FastifyRequest, reply: FastifyReply, scope: ResourceScope, items: KubeObject[],
  metadata: ListMeta): FastifyReply {
  const format = negotiateOutput(req.headers.accept);
  if (format === 'PartialObjectMetadataList') {
    return sendJson(reply, 200, { kind: 'PartialObjectMetadataList', apiVersion: META_V1, metadata, items: items.map(partialObjectMetadata) });
  }
  if (format === 'PartialObjectMetadata') {
    throw newNotAcceptable(`you requested PartialObjectMetadata, but the requested object is a list (${scope.def.names.listKind})`);
  }
  if (format === 'table') {
    return sendJson(reply, 200, tableForObjects(items, scope.version, {
      includeObject: queryParam(req, 'includeObject'), listMeta: metadata, apiVersion: tableApiVersion(req.headers.accept),
    }));
  }
  return send(req, reply, 200, { apiVersion: scope.apiVersion, kind: scope.def.names.listKind, metadata, items });
}

/** Any other body (Status, Scale) in the negotiated serialization. */
export function sendOther(req: FastifyRequest, reply: FastifyReply, code: number, body: unknown): FastifyReply {
  return send(req, reply, code, body);
}
