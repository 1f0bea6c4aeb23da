/**
 * The place every write gives a field manager (k8s.io/apiserver's `managedfields.FieldManager`): after
 * decoding and defaulting, before admission, it records in `metadata.managedFields` who set which fields,
 * and it merges server-side apply configurations.
 */
import type { KubeObject } from '../../apimachinery/types.js';

export interface FieldManager {
  /** Sets `obj`'s managedFields for a write in `version` over `live` (undefined on create). Never fails the write. */
  update(version: string, live: KubeObject | undefined, obj: KubeObject, manager: string, subresource: string): void;
  /** The object an applied configuration makes of `live` (undefined when absent), managedFields included. */
  apply(version: string, live: KubeObject | undefined, config: unknown, manager: string, subresource: string, force: boolean): KubeObject;
}
