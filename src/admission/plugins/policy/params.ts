/**
 * The objects a binding's paramRef names (`generic.CollectParams`): by name, or all matching a selector, in the
 * request's namespace unless the paramRef names one; none found is an error only with `parameterNotFoundAction:
 * Deny`, and with none found and Allow the policy is not evaluated at all.
 */
import { labelSelectorMatches } from '../../matching/label-selector.js';
import type { ParamKind, ParamRef } from './validating/types.js';

/** Where the objects of one paramKind are read. */
export interface ParamKindSource {
  namespaced: boolean;
  /** The object in the paramKind's version, or undefined when there is none. */
  get(namespace: string, name: string): Promise<unknown | undefined>;
  /** Every object of the namespace ('' for all or for cluster-scoped kinds) in the paramKind's version. */
  list(namespace: string): Promise<{ metadata?: { labels?: Record<string, string> } }[]>;
}

export interface ParamResolver {
  /** The source of a paramKind's objects, or undefined for a kind we do not know. */
  forKind(paramKind: ParamKind): ParamKindSource | undefined;
}

/** Params are read from no kind at all: every policy with a paramRef fails to configure. */
export const NO_PARAMS: ParamResolver = { forKind: () => undefined };

/** `ParamKind.String()` as the generated Go code renders it in upstream's messages. */
const shownKind = (k: ParamKind): string => `&ParamKind{APIVersion:${k.apiVersion ?? ''},Kind:${k.kind ?? ''},}`;

/** The params to evaluate the policy with: `[undefined]` when it takes none. Throws the configuration error. */
export async function collectParams(
  resolver: ParamResolver,
  paramKind: ParamKind | undefined,
  paramRef: ParamRef | undefined,
  namespace: string,
): Promise<unknown[]> {
  if (!paramKind || !paramRef) return [undefined];
  const source = resolver.forKind(paramKind);
  if (!source) throw new Error(`paramKind kind \`${shownKind(paramKind)}\` not known`);
  let paramsNamespace = '';
  if (source.namespaced) {
    paramsNamespace = paramRef.namespace || namespace;
    if (!paramsNamespace) throw new Error('cannot use namespaced paramRef in policy binding that matches cluster-scoped resources');
  } else if (paramRef.namespace) {
    throw new Error('paramRef.namespace must not be provided for a cluster-scoped `paramKind`');
  }
  let params: unknown[];
  if (paramRef.name) {
    if (paramRef.selector) throw new Error('paramRef.name and paramRef.selector are mutually exclusive');
    const param = await source.get(paramsNamespace, paramRef.name);
    params = param === undefined ? [] : [param];
  } else if (paramRef.selector) {
    const selector = paramRef.selector;
    params = (await source.list(paramsNamespace)).filter((p) => labelSelectorMatches(selector, p.metadata?.labels));
  } else {
    throw new Error('one of name or selector must be provided');
  }
  if (params.length === 0 && paramRef.parameterNotFoundAction === 'Deny') {
    throw new Error('no params found for policy binding with `Deny` parameterNotFoundAction');
  }
  return params;
}
