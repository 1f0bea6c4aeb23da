/** The CEL environment of a schema's rules: the Kubernetes base environment with the schema's object types and CEL equality. */
import type { Environment } from '@marcbachmann/cel-js';
import { kubernetesEnvironment } from '../../../cel/environment.js';
import { celEquals } from '../../../cel/equality.js';
import { celTypeName, type TypeRegistry } from './decl-type.js';

export function schemaEnvironment(reg: TypeRegistry): Environment {
  const env = kubernetesEnvironment();
  for (const t of reg.objects) {
    const fields = Object.fromEntries(Array.from(t.fields.values(), (f) => [f.celName, celTypeName(f.type)]));
    env.registerType(t.name, { ctor: t.ctor, fields });
    env.registerOperator(`${t.name} == ${t.name}`, celEquals);
  }
  return env;
}
