/**
 * The base CEL environment every Kubernetes expression starts from (k8s.io/apiserver's `cel/environment`):
 * the standard library with the Kubernetes list and string functions this package provides, optionals on (as
 * Kubernetes' base environment), and mixed list and map literals allowed (cel-go's default). Schema rules and
 * admission expressions each clone it and declare their own variables.
 */
import { Environment } from '@marcbachmann/cel-js';
import { registerListLibrary } from './library-lists.js';
import { registerStringLibrary } from './library-strings.js';

const base = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false });
registerListLibrary(base);
registerStringLibrary(base);

export function kubernetesEnvironment(): Environment {
  return base.clone();
}
