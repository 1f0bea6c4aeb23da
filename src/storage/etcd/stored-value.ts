/**
 * How objects sit in etcd: JSON without metadata.resourceVersion (as kube-apiserver stores them), the key's
 * mod_revision being the resourceVersion they are read back with.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { StorageError } from '../interfaces.js';
import type { KeyValue } from './client.js';

/** The value etcd keeps: the object's JSON without resourceVersion, which is the key's revision. */
export function storedValue(obj: KubeObject): Buffer {
  const { resourceVersion: _, ...metadata } = obj.metadata;
  return Buffer.from(JSON.stringify({ ...obj, metadata }));
}

export function withResourceVersion(obj: KubeObject, rv: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
}

/** Parses a stored value, refusing data this server did not write (a prefix shared with something else). */
export function parseStored(kv: KeyValue, prefixLength: number): KubeObject {
  let obj: unknown;
  try {
    obj = JSON.parse(kv.value.toString());
  } catch {
    obj = undefined;
  }
  if (typeof obj !== 'object' || obj === null || typeof (obj as KubeObject).metadata !== 'object') {
    const key = kv.key.toString();
    throw new StorageError(
      'Unavailable',
      key.slice(prefixLength),
      `etcd key ${JSON.stringify(key)} holds data this server did not write (not a JSON object with metadata): give --etcd-prefix a prefix of its own`,
    );
  }
  return obj as KubeObject;
}

/** A stored value as the cache keeps it: JSON with metadata.resourceVersion = `rv` (the key's mod_revision by default). */
export function cachedJson(kv: KeyValue, prefixLength: number, rv = kv.mod_revision): string {
  return JSON.stringify(withResourceVersion(parseStored(kv, prefixLength), rv));
}

/** Equal but for resourceVersion: an update that changes nothing writes nothing. */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  return storedValue(a).equals(storedValue(b));
}
