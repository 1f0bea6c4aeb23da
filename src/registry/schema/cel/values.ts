/**
 * A decoded JSON value as the CEL value its schema type makes it (apiextensions' `UnstructuredToVal`):
 * integers as int (BigInt), numbers as double, objects as instances of their type holding only the fields
 * the schema knows, additionalProperties as maps, formatted strings as bytes, durations and timestamps.
 */
import { Environment } from '@marcbachmann/cel-js';
import { isPlainObject } from '../../../apimachinery/types.js';
import { plainToCel } from '../../../cel/values.js';
import type { DeclType } from './decl-type.js';

const durationOf = new Environment().registerVariable('s', 'string').parse('duration(s)');

export function toCelValue(value: unknown, t: DeclType): unknown {
  if (value === null || value === undefined) return null;
  switch (t.kind) {
    case 'dyn':
      return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : plainToCel(value);
    case 'list':
      return Array.isArray(value) ? value.map((x) => toCelValue(x, t.elem)) : plainToCel(value);
    case 'map':
      if (!isPlainObject(value)) return plainToCel(value);
      return new Map(Object.entries(value).map(([k, v]) => [k, toCelValue(v, t.elem)]));
    case 'object': {
      if (!isPlainObject(value)) return plainToCel(value);
      const out = new t.ctor() as Record<string, unknown>;
      for (const [name, f] of t.fields) if (Object.hasOwn(value, name)) out[f.celName] = toCelValue(value[name], f.type);
      return out;
    }
    case 'scalar':
      return scalarToCel(value, t.name);
  }
}

function scalarToCel(value: unknown, name: string): unknown {
  switch (name) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
    case 'bytes':
      return typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'base64')) : value;
    case 'timestamp':
      return typeof value === 'string' ? new Date(value) : value;
    case 'duration':
      if (typeof value !== 'string') return value;
      try {
        return durationOf({ s: value });
      } catch {
        return value;
      }
  }
  return value;
}
