/**
 * The base CEL environment every Kubernetes expression starts from (k8s.io/apiserver's `cel/environment`):
 * the standard library with the Kubernetes libraries this package provides (lists, strings, sets, quantity,
 * URLs, IP, CIDR, format), optionals on (as Kubernetes' base environment), and mixed list and map literals
 * allowed (cel-go's default). Schema rules and admission expressions each clone it and declare their own variables.
 */
import { Environment } from '@marcbachmann/cel-js';
import { registerCIDRLibrary } from './library-cidr.js';
import { registerFormatLibrary } from './library-format.js';
import { registerIPLibrary } from './library-ip.js';
import { registerListLibrary } from './library-lists.js';
import { registerQuantityLibrary } from './library-quantity.js';
import { registerSetsLibrary } from './library-sets.js';
import { registerStringLibrary } from './library-strings.js';
import { registerURLLibrary } from './library-urls.js';

const base = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false });
registerListLibrary(base);
registerStringLibrary(base);
registerSetsLibrary(base);
registerQuantityLibrary(base);
registerURLLibrary(base);
registerIPLibrary(base);
registerCIDRLibrary(base);
registerFormatLibrary(base);

export function kubernetesEnvironment(): Environment {
  return base.clone();
}
