/**
 * A CRD's openAPIV3Schema read as structured-merge-diff reads it (kube-openapi's schemaconv): each schema
 * node becomes an atom, a scalar, a list or a map (or all three when the node has no type), and lists and
 * maps say whether they are atomic and how their items are identified.
 */
import type { JSONSchemaProps } from '../definitions/types.js';
import { OBJECT_META_SCHEMA } from './object-meta-schema.js';

export interface ListAtom {
  /** A CRD list without `x-kubernetes-list-type` is atomic. */
  readonly atomic: boolean;
  /** `x-kubernetes-list-map-keys` of a map list; empty for a set list. */
  readonly keys: readonly string[];
  element(): Atom;
}

export interface FieldType {
  atom(): Atom;
  /** The field's `default`: a map-list item without a key field is keyed by its default. */
  readonly default: unknown;
}

export interface MapAtom {
  readonly atomic: boolean;
  readonly fields: ReadonlyMap<string, FieldType>;
  /** The type of keys not in `fields`; INVALID when the schema allows none. */
  element(): Atom;
}

export interface Atom {
  readonly scalar?: true;
  readonly list?: ListAtom;
  readonly map?: MapAtom;
}

/** An empty type reference: a value found there is a field not declared in the schema. */
export const INVALID: Atom = {};

/** `__untyped_atomic_`: anything, owned whole. */
export const UNTYPED: Atom = {
  scalar: true,
  list: { atomic: true, keys: [], element: () => UNTYPED },
  map: { atomic: true, fields: new Map(), element: () => UNTYPED },
};

/** `__untyped_deduced_`: maps are granular all the way down, lists atomic. */
export const DEDUCED: Atom = {
  scalar: true,
  list: { atomic: true, keys: [], element: () => UNTYPED },
  map: { atomic: false, fields: new Map(), element: () => DEDUCED },
};

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/**
 * `preserve` is inherited: below `x-kubernetes-preserve-unknown-fields: true`, objects without
 * additionalProperties accept any key, typed as deduced.
 */
export function atomOf(s: JSONSchemaProps, preserve: boolean): Atom {
  const keep = preserve || s['x-kubernetes-preserve-unknown-fields'] === true;
  switch (s.type ?? '') {
    case '':
      return { scalar: true, list: listOf(s, keep), map: mapOf(s, keep) };
    case 'object':
      return { map: mapOf(s, keep) };
    case 'array':
      return { list: listOf(s, keep) };
    default:
      return { scalar: true };
  }
}

function mapOf(s: JSONSchemaProps, preserve: boolean): MapAtom {
  const fields = new Map<string, FieldType>();
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    fields.set(name, { atom: once(() => atomOf(prop, preserve)), default: prop.default });
  }
  const ap = s.additionalProperties;
  let element: Atom;
  if (ap === undefined) element = preserve || fields.size === 0 ? DEDUCED : INVALID;
  else if (typeof ap === 'object') element = atomOf(ap, preserve);
  else element = ap ? DEDUCED : INVALID;
  return { atomic: s['x-kubernetes-map-type'] === 'atomic', fields, element: () => element };
}

function listOf(s: JSONSchemaProps, preserve: boolean): ListAtom {
  const listType = s['x-kubernetes-list-type'];
  const keys = listType === 'map' && Array.isArray(s['x-kubernetes-list-map-keys']) ? (s['x-kubernetes-list-map-keys'] as string[]) : [];
  const items = s.items;
  return {
    atomic: listType !== 'set' && listType !== 'map',
    keys,
    element: items ? once(() => atomOf(items, preserve)) : () => UNTYPED,
  };
}

/**
 * A custom resource's type, as the apiextensions OpenAPI builder publishes it: the CRD's schema with
 * `apiVersion` and `kind` strings and `metadata` replaced by ObjectMeta, which no CRD setting changes. A
 * version without a schema is deduced throughout, as upstream's DeducedTypeConverter does.
 */
export function resourceAtom(schema: JSONSchemaProps | undefined): Atom {
  if (!schema) return DEDUCED;
  const root = atomOf({ ...schema, type: 'object' }, false);
  const base = root.map!;
  const fields = new Map(base.fields);
  fields.set('apiVersion', { atom: () => ({ scalar: true }), default: undefined });
  fields.set('kind', { atom: () => ({ scalar: true }), default: undefined });
  fields.set('metadata', { atom: once(() => atomOf(OBJECT_META_SCHEMA, false)), default: undefined });
  return { map: { ...base, fields } };
}
