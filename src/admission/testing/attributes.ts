/** Admission attributes of a request on Flunders, for plugin tests: a CREATE of `f` in namespace `ns`, in `version`. */
import type { Attributes } from '../interfaces.js';

export function flunderAttributes(over: Partial<Attributes> = {}, version = 'v1alpha1'): Attributes {
  return {
    operation: 'CREATE',
    kind: { group: 'wardle.example.com', version, kind: 'Flunder' },
    resource: { group: 'wardle.example.com', version, resource: 'flunders' },
    subresource: '',
    namespace: 'ns',
    name: 'f',
    dryRun: false,
    ...over,
  };
}
