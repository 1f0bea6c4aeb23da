/**
 * The parts of cel-go's strings extension (ext.Strings, as Kubernetes configures it) and of the Kubernetes
 * regex library (k8s.io/apiserver/pkg/cel/library/regex.go) the CEL library lacks: `charAt`, `replace`,
 * `reverse`, `find`, `findAll`. Indexes count code points, as cel-go's do.
 */
import { type Environment, EvaluationError } from '@marcbachmann/cel-js';
import { chargeCost } from './cost.js';

const codePoints = (s: string): string[] => Array.from(s);

/** Go RE2 patterns as JavaScript ones: the `u` flag for code points; RE2 has no lookaround or backreferences. */
function compile(pattern: string, global = false): RegExp {
  try {
    return new RegExp(pattern, global ? 'gu' : 'u');
  } catch (err) {
    throw new EvaluationError(`error parsing regexp: ${(err as Error).message}`);
  }
}

/** Go's `strings.Replace`: at most `n` replacements (all when negative); an empty `from` matches between runes. */
function replace(s: string, from: string, to: string, n: bigint): string {
  chargeCost(Math.ceil(s.length / 10));
  const limit = n < 0n ? Number.POSITIVE_INFINITY : Number(n);
  const parts = from === '' ? codePoints(s) : s.split(from);
  if (from === '') {
    let out = '';
    for (let i = 0; i <= parts.length; i++) out += (i < limit ? to : '') + (parts[i] ?? '');
    return out;
  }
  return parts.reduce((out, part, i) => (i === 0 ? part : out + (i <= limit ? to : from) + part), '');
}

export function registerStringLibrary(env: Environment): void {
  env.registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
    const cps = codePoints(s);
    if (i < 0n || i > BigInt(cps.length)) throw new EvaluationError(`index out of range: ${i}`);
    return cps[Number(i)] ?? '';
  });
  env.registerFunction('string.replace(string, string): string', (s: string, from: string, to: string) => replace(s, from, to, -1n));
  env.registerFunction('string.replace(string, string, int): string', replace);
  env.registerFunction('string.reverse(): string', (s: string) => codePoints(s).reverse().join(''));
  env.registerFunction('string.find(string): string', (s: string, pattern: string) => {
    chargeCost(Math.ceil(s.length / 10));
    return compile(pattern).exec(s)?.[0] ?? '';
  });
  env.registerFunction('string.findAll(string): list<string>', (s: string, pattern: string) => {
    chargeCost(Math.ceil(s.length / 10));
    return Array.from(s.matchAll(compile(pattern, true)), (m) => m[0]);
  });
  env.registerFunction('string.findAll(string, int): list<string>', (s: string, pattern: string, n: bigint) => {
    chargeCost(Math.ceil(s.length / 10));
    const all = Array.from(s.matchAll(compile(pattern, true)), (m) => m[0]);
    return n < 0n ? all : all.slice(0, Number(n));
  });
}
