/**
 * A rule's `fieldPath` (`.spec.x`, `.m['key.with.dots']`) checked against the schema and rewritten as a
 * field.Path string relative to the rule's node (`spec.x`, `m[key.with.dots]`), as apiextensions'
 * `ValidFieldPath`; undefined when it does not name a field of the schema.
 */
import type { JSONSchemaProps } from '../../definitions/json-schema.js';

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', "'": "'", '\\': '\\' };

function tokens(path: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.' || c === '[' || c === ']') {
      out.push(c);
      i++;
    } else if (c === "'") {
      let j = i + 1;
      while (j < path.length && !(path[j] === "'" && path[j - 1] !== '\\')) j++;
      if (j >= path.length) return undefined;
      out.push(path.slice(i, j + 1));
      i = j + 1;
    } else {
      let j = i;
      while (j < path.length && !'.[]'.includes(path[j]!)) j++;
      out.push(path.slice(i, j));
      i = j;
    }
  }
  return out;
}

export function normalizeFieldPath(jsonPath: string, schema: JSONSchemaProps): string | undefined {
  const toks = tokens(jsonPath);
  if (!toks) return undefined;
  let s: JSONSchemaProps | undefined = schema;
  let out = '';
  const step = (name: string): boolean => {
    if (!s) return false;
    if (s.properties) {
      s = s.properties[name];
      out += out ? `.${name}` : name;
      return s !== undefined;
    }
    if (typeof s.additionalProperties === 'object' && s.additionalProperties !== null) {
      s = s.additionalProperties;
      out += `[${name}]`;
      return true;
    }
    return false;
  };
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    if (tok === '.') {
      const name = toks[++i];
      if (name === undefined || !step(name)) return undefined;
    } else if (tok === '[') {
      const quoted = toks[++i];
      if (!quoted || quoted.length < 2 || !quoted.startsWith("'") || !quoted.endsWith("'")) return undefined;
      const body = quoted.slice(1, -1);
      if (/\\[^abfnrtv'\\]/.test(body)) return undefined;
      const name = body.replace(/\\./g, (m) => ESCAPES[m[1]!]!);
      if (!step(name) || toks[++i] !== ']') return undefined;
    } else {
      return undefined;
    }
  }
  return out;
}
