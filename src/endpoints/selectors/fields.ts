/**
 * Field selectors as apimachinery parses them (`fields/selector.go`): `f=v`, `f==v`, `f!=v` joined by
 * commas, with `\` escaping `,`, `=` and `\`. Custom resources support metadata.name, metadata.namespace
 * and their version's selectableFields.
 */
import { newBadRequest } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { evaluate } from '../jsonpath/jsonpath.js';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export type FieldSelector = FieldRequirement[];

function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + (s[i + 1] as string);
      i++;
      continue;
    }
    if (c === sep) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts;
}

const HELD = String.fromCharCode(0);
const unescapeValue = (v: string): string => v.replace(/\\(.)/g, '$1');

export function parseFieldSelector(s: string, supported: (field: string) => boolean): FieldSelector {
  const reqs: FieldSelector = [];
  for (const term of splitUnescaped(s, ',')) {
    if (term.trim() === '') continue;
    // An escaped `=` is held as a character no selector can contain while the term is split.
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(term.replace(/\\=/g, HELD));
    if (!m) throw newBadRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    const field = (m[1] as string).replaceAll(HELD, '=').trim();
    const value = unescapeValue((m[3] as string).replaceAll(HELD, '\\='));
    if (!supported(field)) throw newBadRequest(`field label not supported: ${field}`);
    reqs.push({ field, operator: m[2] === '!=' ? '!=' : '=', value });
  }
  return reqs;
}

/** A field's value as field selectors compare it: a string, or the empty string when absent. */
function fieldValue(obj: KubeObject, field: string): string {
  if (field === 'metadata.name') return obj.metadata.name ?? '';
  if (field === 'metadata.namespace') return obj.metadata.namespace ?? '';
  const [first] = evaluate(obj, `.${field}`);
  return first === undefined || first === null ? '' : String(first);
}

export function fieldSelectorMatcher(selector: FieldSelector): (obj: KubeObject) => boolean {
  return (obj) => selector.every((r) => (fieldValue(obj, r.field) === r.value) === (r.operator === '='));
}
