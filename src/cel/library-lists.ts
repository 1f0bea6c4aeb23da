/**
 * The Kubernetes list library (k8s.io/apiserver/pkg/cel/library/lists.go): `isSorted`, `sum`, `min`, `max`,
 * `indexOf`, `lastIndexOf`, with upstream's error for `min`/`max` of an empty list.
 */
import { type Environment, EvaluationError } from '@marcbachmann/cel-js';
import { chargeCost } from './cost.js';
import { celEquals, compareValues } from './equality.js';

const COMPARABLE = ['int', 'uint', 'double', 'string', 'bytes', 'bool', 'google.protobuf.Duration', 'google.protobuf.Timestamp'];
const SUMMABLE: Array<[string, () => unknown]> = [
  ['int', () => 0n],
  ['double', () => 0],
];

export function registerListLibrary(env: Environment): void {
  for (const t of COMPARABLE) {
    env.registerFunction(`list<${t}>.isSorted(): bool`, (list: unknown[]) => {
      chargeCost(list.length);
      return list.every((x, i) => i === 0 || compareValues(list[i - 1], x) <= 0);
    });
    for (const name of ['min', 'max'] as const) {
      env.registerFunction(`list<${t}>.${name}(): ${t}`, (list: unknown[]) => {
        if (list.length === 0) throw new EvaluationError(`${name} called on empty list`);
        chargeCost(list.length);
        const better =
          name === 'min' ? (a: unknown, b: unknown) => compareValues(a, b) < 0 : (a: unknown, b: unknown) => compareValues(a, b) > 0;
        return list.reduce((acc, x) => (better(x, acc) ? x : acc));
      });
    }
  }
  for (const [t, zero] of SUMMABLE) {
    env.registerFunction(`list<${t}>.sum(): ${t}`, (list: unknown[]) => {
      chargeCost(list.length);
      return list.reduce<number | bigint>((acc, x) => (acc as number) + (x as number), zero() as number | bigint);
    });
  }
  env.registerFunction('list<T>.indexOf(T): int', (list: unknown[], x: unknown) => {
    chargeCost(list.length);
    return BigInt(list.findIndex((y) => celEquals(y, x)));
  });
  env.registerFunction('list<T>.lastIndexOf(T): int', (list: unknown[], x: unknown) => {
    chargeCost(list.length);
    return BigInt(list.findLastIndex((y) => celEquals(y, x)));
  });
}
