/**
 * namespaceSelector and objectSelector (`webhook/predicates/namespace`, `webhook/predicates/object`). Each
 * answers whether the request is selected, or an error that the caller reports only once the rules have
 * selected the request too, so that a broken selector or a missing namespace does not fail unrelated requests.
 */
import { newInternalError, newNotFound, type StatusError } from '../../apimachinery/errors.js';
import { isPlainObject } from '../../apimachinery/types.js';
import type { Attributes } from '../interfaces.js';
import { labelSelectorError, labelSelectorIsEmpty, labelSelectorMatches } from './label-selector.js';
import type { LabelSelector } from './types.js';

export type SelectorResult = { matches: boolean; error?: undefined } | { matches: false; error: StatusError };

type SelectorAttributes = Pick<Attributes, 'operation' | 'namespace' | 'subresource' | 'resource' | 'object' | 'oldObject'>;

/**
 * The namespace's labels against the selector. Cluster-scoped requests are always selected, except those on
 * a Namespace: a namespace being created or updated is judged by its own new labels, any other request on one
 * (its delete, its status) by the namespace as it is. `namespaceObject` is the request's namespace, undefined
 * when it does not exist.
 */
export function matchNamespaceSelector(
  selector: LabelSelector | undefined,
  attrs: SelectorAttributes,
  namespaceObject: unknown,
): SelectorResult {
  const onNamespace = attrs.resource.resource === 'namespaces';
  if (attrs.namespace === '' && !onNamespace) return { matches: true };
  const invalid = labelSelectorError(selector);
  if (invalid !== undefined) return { matches: false, error: newInternalError(invalid) };
  if (labelSelectorIsEmpty(selector)) return { matches: true };
  let labels: Record<string, string> | undefined;
  if (onNamespace && attrs.subresource === '' && (attrs.operation === 'CREATE' || attrs.operation === 'UPDATE')) {
    labels = attrs.object?.metadata.labels;
  } else if (namespaceObject === undefined) {
    return { matches: false, error: newNotFound({ group: '', resource: 'namespaces' }, attrs.namespace) };
  } else {
    labels = labelsOf(namespaceObject);
  }
  return { matches: labelSelectorMatches(selector, labels) };
}

/** The object's labels, or the old object's: a request is selected when either is. */
export function matchObjectSelector(selector: LabelSelector | undefined, attrs: SelectorAttributes): SelectorResult {
  const invalid = labelSelectorError(selector);
  if (invalid !== undefined) return { matches: false, error: newInternalError(invalid) };
  if (labelSelectorIsEmpty(selector)) return { matches: true };
  const matches = [attrs.object, attrs.oldObject].some((o) => o !== undefined && labelSelectorMatches(selector, labelsOf(o)));
  return { matches };
}

function labelsOf(obj: unknown): Record<string, string> | undefined {
  const metadata = isPlainObject(obj) ? obj.metadata : undefined;
  const labels = isPlainObject(metadata) ? metadata.labels : undefined;
  return isPlainObject(labels) ? (labels as Record<string, string>) : undefined;
}
