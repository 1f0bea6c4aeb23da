/**
 * cel-go's sets extension (ext.Sets, which Kubernetes enables): `sets.contains`, `sets.equivalent` and
 * `sets.intersects` over lists, comparing elements with CEL equality (so `1 == 1.0`).
 */
import type { Environment } from '@marcbachmann/cel-js';
import { chargeCost } from './cost.js';
import { celEquals } from './equality.js';

/** The value of the `sets` identifier: CEL has no namespaced functions here, so they hang off a constant. */
class SetsNamespace {}

const has = (list: unknown[], x: unknown): boolean => list.some((y) => celEquals(y, x));
const contains = (list: unknown[], sublist: unknown[]): boolean => sublist.every((x) => has(list, x));

/** cel-go charges the product of the two sizes: each element of one is looked for in the other. */
const charge = (a: unknown[], b: unknown[]): void => chargeCost(Math.max(1, a.length * b.length));

export function registerSetsLibrary(env: Environment): void {
  env.registerType('SetsNamespace', SetsNamespace);
  env.registerConstant('sets', 'SetsNamespace', new SetsNamespace());
  env.registerFunction('SetsNamespace.contains(list, list): bool', (_: SetsNamespace, a: unknown[], b: unknown[]) => {
    charge(a, b);
    return contains(a, b);
  });
  env.registerFunction('SetsNamespace.equivalent(list, list): bool', (_: SetsNamespace, a: unknown[], b: unknown[]) => {
    charge(a, b);
    return contains(a, b) && contains(b, a);
  });
  env.registerFunction('SetsNamespace.intersects(list, list): bool', (_: SetsNamespace, a: unknown[], b: unknown[]) => {
    charge(a, b);
    return b.some((x) => has(a, x));
  });
}
