/**
 * What the field manager costs per write, in process (no HTTP, no storage): the managedFields of a create,
 * of an update that changes a label, and of a server-side apply, on a Flunder of the built-in definitions.
 */
import type { KubeObject } from '../src/apimachinery/types.js';
import { builtinDefinitionsPath, loadDefinitions } from '../src/registry/definitions/load.js';
import { CustomResourceFieldManager } from '../src/registry/fieldmanager/field-manager.js';
import { wardleCodeStrategies } from '../src/registry/wardle/index.js';

export interface FieldManagerCost {
  create: number;
  update: number;
  apply: number;
}

/** Microseconds per operation, the median of five rounds of `n`. */
function time(n: number, op: (i: number) => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) op(i);
    rounds.push(Number(process.hrtime.bigint() - start) / 1000 / n);
  }
  return rounds.sort((a, b) => a - b)[2] as number;
}

export async function benchFieldManager(n = 5000): Promise<FieldManagerCost> {
  const builtin = builtinDefinitionsPath();
  const [flunders] = await loadDefinitions([builtin], new Map([[builtin, wardleCodeStrategies()]]));
  if (!flunders) throw new Error('no Flunder definition');
  const fm = new CustomResourceFieldManager(flunders);
  const flunder = (labels: Record<string, string>): KubeObject =>
    ({
      apiVersion: 'wardle.example.com/v1alpha1',
      kind: 'Flunder',
      metadata: { name: 'f', namespace: 'default', labels },
      spec: { reference: 'r', referenceType: 'Flunder' },
    }) as KubeObject;
  const created = flunder({ a: '1' });
  fm.update('v1alpha1', undefined, created, 'bench', '');
  const live = { ...created, metadata: { ...created.metadata, uid: 'u', resourceVersion: '1' } } as KubeObject;
  return {
    create: time(n, () => fm.update('v1alpha1', undefined, flunder({ a: '1' }), 'bench', '')),
    update: time(n, (i) => {
      const next = structuredClone(live);
      next.metadata.labels = { a: String(i) };
      fm.update('v1alpha1', live, next, 'other', '');
    }),
    apply: time(n, (i) => fm.apply('v1alpha1', live, flunder({ b: String(i) }), 'applier', '', true)),
  };
}
