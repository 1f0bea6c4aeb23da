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
import { type LabelSelector, matches, parseLabelSelector } from '../selectors/labels.js';
import { queryParam } from './query.js';

export function predicateFrom(req: FastifyRequest, scope: ResourceScope): Predicate | undefined {
  const labelText = queryParam(req, 'labelSelector') ?? '';
  const fieldText = queryParam(req, 'fieldSelector') ?? '';
  const predicates: Predicate[] = [];
  const requiredText: string[] = [];
  if (labelText.trim() !== '') {
    const selector = parseLabelSelector(labelText);
    predicates.push((obj) => matches(selector, obj.metadata.labels));
    requiredText.push(...requiredLabelText(selector));
  }
  if (fieldText.trim() !== '') {
    const selectable = new Set(['metadata.name', 'metadata.namespace', ...scope.version.selectableFields.map((p) => p.replace(/^\./, ''))]);
    const selector = parseFieldSelector(fieldText, (field) => selectable.has(field));
    const match = fieldSelectorMatcher(selector);
    const needsConversion = scope.version.selectableFields.length > 0 && scope.version.name !== scope.def.storageVersion;
    predicates.push(needsConversion ? (obj: KubeObject) => match(scope.def.convert(obj, scope.version.name)) : match);
  }
  if (predicates.length === 0) return undefined;
  const predicate: Predicate = (obj) => predicates.every((p) => p(obj));
  if (requiredText.length > 0) predicate.requiredText = requiredText;
  return predicate;
}

/** Label keys and values JSON writes as they are (no escapes): what label validation allows. */
const PLAIN = /^[A-Za-z0-9._/-]+$/;

/**
 * What the compact JSON of an object a label selector accepts must contain: `"key":` for a key it must have
 * (=, ==, in, exists), `"key":"value"` for one value. Stored objects are JSON.stringify's (or Go's) compact
 * text, which writes a label as exactly that; the text may of course contain it elsewhere too.
 */
export function requiredLabelText(selector: LabelSelector): string[] {
  const out: string[] = [];
  for (const r of selector) {
    if (!PLAIN.test(r.key)) continue;
    const single = r.values.length === 1 && PLAIN.test(r.values[0] as string) ? (r.values[0] as string) : undefined;
    if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && single !== undefined) out.push(`"${r.key}":"${single}"`);
    else if (r.operator === '=' || r.operator === '==' || r.operator === 'in' || r.operator === 'exists') out.push(`"${r.key}":`);
  }
  return out;
}
