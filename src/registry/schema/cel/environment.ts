/**
 * The CEL environment of a schema's rules: the base library with the Kubernetes functions this package
 * provides, optionals on (as Kubernetes' base environment), mixed list and map literals allowed (cel-go's
 * default), and the schema's object types with CEL equality.
 */
import { Environment } from '@marcbachmann/cel-js';
import { celTypeName, type TypeRegistry } from './decl-type.js';
import { celEquals } from './equality.js';
import { registerListLibrary } from './library-lists.js';
import { registerStringLibrary } from './library-strings.js';

const base = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false });
registerListLibrary(base);
registerStringLibrary(base);

export function schemaEnvironment(reg: TypeRegistry): Environment {
  const env = base.clone();
  for (const t of reg.objects) {
    const fields = Object.fromEntries(Array.from(t.fields.values(), (f) => [f.celName, celTypeName(f.type)]));
    env.registerType(t.name, { ctor: t.ctor, fields });
    env.registerOperator(`${t.name} == ${t.name}`, celEquals);
  }
  return env;
}
