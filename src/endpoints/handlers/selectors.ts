/**
 * The storage predicate of a list, watch or deletecollection: its labelSelector and fieldSelector.
 * Field selectors see the object in the URL's version (selectableFields are per version); label selectors
 * and metadata fields are the same in every version, so those never pay for a conversion.
 */
import type { FastifyRequest } from 'fastify';
import type { KubeObject } from '../../apimachinery/types.js';
import type { ResourceScope } from '../../registry/rest/scope.js';
import type { Predicate } from '../../storage/interfaces.js';
import { parseFieldSelector, fieldSelectorMatcher } from '../selectors/fields.js';
import { matches, parseLabelSelector } from '../selectors/labels.js';
import { queryParam } from './query.js';

export function predicateFrom(req: FastifyRequest, scope: ResourceScope): Predicate | undefined {
  const labelText = queryParam(req, 'labelSelector') ?? '';
  const fieldText = queryParam(req, 'fieldSelector') ?? '';
  const predicates: Predicate[] = [];
  if (labelText.trim() !== '') {
    const selector = parseLabelSelector(labelText);
    predicates.push((obj) => matches(selector, obj.metadata.labels));
  }
  if (fieldText.trim() !== '') {
    const selectable = new Set(['metadata.name', 'metadata.namespace', ...scope.version.selectableFields.map((p) => p.replace(/^\./, ''))]);
    const selector = parseFieldSelector(fieldText, (field) => selectable.has(field));
    const match = fieldSelectorMatcher(selector);
    const needsConversion = scope.version.selectableFields.length > 0 && scope.version.name !== scope.def.storageVersion;
    predicates.push(needsConversion ? (obj: KubeObject) => match(scope.def.convert(obj, scope.version.name)) : match);
  }
  if (predicates.length === 0) return undefined;
  return (obj) => predicates.every((p) => p(obj));
}
