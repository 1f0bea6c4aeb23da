/**
 * The place every write gives a field manager (k8s.io/apiserver's `managedfields.FieldManager`): after
 * decoding and defaulting, before admission, it records in `metadata.managedFields` who set which fields.
 * Until field management is implemented, the manager changes nothing.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import type { WriteOptions } from './scope.js';

export interface FieldManager {
  /** Updates `obj`'s managedFields for a write over `live` (undefined on create). */
  update(live: KubeObject | undefined, obj: KubeObject, opts: WriteOptions): void;
}

export const NO_FIELD_MANAGER: FieldManager = { update: () => undefined };
