/**
 * The authorizer contract (`authorizer.Authorizer`), the Attributes a decision is made on, and the union that
 * asks authorizers in order: the first Allow or Deny wins, NoOpinion passes on.
 */
import type { RequestInfo, UserInfo } from '../endpoints/request/context.js';

export type Decision = 'Allow' | 'Deny' | 'NoOpinion';

export interface Attributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  path: string;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
  /** The request's selectors, for list, watch and deletecollection (authorization with selectors). */
  labelSelector?: SelectorRequirement[];
  fieldSelector?: SelectorRequirement[];
}

export interface SelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface Authorization {
  decision: Decision;
  reason: string;
}

export interface Authorizer {
  authorize(attrs: Attributes): Promise<Authorization>;
}

export function attributesOf(user: UserInfo, info: RequestInfo): Attributes {
  return {
    user,
    verb: info.verb,
    isResourceRequest: info.isResourceRequest,
    path: info.path,
    namespace: info.namespace,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    name: info.name,
  };
}

export function unionAuthorizer(...authorizers: { name: string; authorizer: Authorizer }[]): Authorizer {
  return {
    async authorize(attrs) {
      const reasons: string[] = [];
      for (const { name, authorizer } of authorizers) {
        const res = await authorizer.authorize(attrs);
        if (res.decision !== 'NoOpinion') return res;
        if (res.reason) reasons.push(`${name}: ${res.reason}`);
      }
      return { decision: 'NoOpinion', reason: reasons.join('\n') };
    },
  };
}
