/**
 * The static cost estimate kube-apiserver makes of a rule when it admits a CustomResourceDefinition (cel-go's
 * `checker.Cost` with the Kubernetes library estimator and apiextensions' schema `sizeEstimator`), made over
 * the checked AST of the JavaScript CEL library.
 *
 * Each node costs what cel-go charges for the expression it stands for: 1 for an identifier and for a field
 * selected from an object or map, 0 for a literal, 10 and 30 to build a list or a map, the operands of `&&`
 * and `||`, the condition and dearer branch of `?:`, and for calls their operands plus the function's own
 * cost (function-costs.ts). A macro costs its range, plus the range's size times its loop body as cel-go
 * expands `all`, `exists`, `exists_one`, `map` and `filter`. A value's size comes, in upstream's order, from
 * what computed it, from a literal, from the schema along the path it was selected by (`self.spec.items`,
 * `@items`, `@values`, `@keys`), from being a scalar (1), or from the comprehension variable it is.
 *
 * Where this estimate cannot be upstream's it errs low, so that no rule kube-apiserver accepts is refused:
 * - where upstream has no size (a call result it cannot size: `string(x)`, `oldSelf.value()`, a library
 *   function this environment names otherwise) its estimate reaches MaxUint64 and kube-apiserver refuses the
 *   rule; here the estimate is Infinity and the caller lets the rule through;
 * - a call on `dyn` operands is costed by the one overload that fits the operands, where cel-go takes the
 *   dearest of the candidates; ordering operators on `dyn` cost 1;
 * - functions cel-go and the Kubernetes library do not size cost 1, cel-go's default;
 * - cel-go's accidental sharing of path slices between sibling selections (Go `append`) is not reproduced.
 */
import {
  add,
  type CheckedType,
  functionEstimate,
  isScalar,
  mul,
  type Operand,
  operatorEstimate,
  type Size,
  UNKNOWN,
  union,
} from './function-costs.js';
import type { SizedType } from './schema-sizes.js';

interface Node {
  op: string;
  args: unknown;
  checkedType?: CheckedType;
  meta: { alternate?: Node; macro?: object };
}

/** The sizes of a list's items or a map's keys and values, where an expression built the list or map. */
interface Entries {
  kind: 'list' | 'map';
  key: Size;
  val: Size;
}

/** A comprehension or bind variable in scope. */
interface LocalVar {
  path: string[] | undefined;
  size: Size | undefined;
}

const INFINITY = Number.POSITIVE_INFINITY;
const LIST_CREATE = 10;
const MAP_CREATE = 30;
const OPERATORS = new Set(['==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', 'in']);
const ONE: Size = { min: 1, max: 1 };

/**
 * cel-go's expansion of each macro, beyond its own arguments: [initial value + result, loop condition + step]
 * (`all`: `__result__ && p` under `@not_strictly_false(__result__)`; `map`: `__result__ + [t]` from `[]`).
 */
const MACROS: Record<string, [number, number]> = {
  all: [1, 3],
  exists: [1, 4],
  exists_one: [2, 2],
  map: [LIST_CREATE + 1, 12],
  filter: [LIST_CREATE + 1, 13],
};

const unionEntries = (a: Entries | undefined, b: Entries | undefined): Entries | undefined =>
  a && b && { kind: a.kind, key: union(a.key, b.key), val: union(a.val, b.val) };

/**
 * The estimated maximum cost of one evaluation of a checked expression whose `self` and `oldSelf` have the
 * sizes of `root`; Infinity where upstream's estimate rests on a size it does not know.
 */
export function estimateCost(ast: unknown, root: SizedType): number {
  return new Coster(root).cost(ast as Node);
}

class Coster {
  private readonly sizes = new Map<Node, Size>();
  private readonly entries = new Map<Node, Entries>();
  private readonly paths = new Map<Node, string[]>();
  private readonly locals = new Map<string, LocalVar[]>();

  constructor(private readonly root: SizedType) {}

  cost(n: Node): number {
    const args = n.args as Node[];
    switch (n.op) {
      case 'value':
        return 0;
      case 'id':
        if (!this.local(n.args as string)) this.paths.set(n, [n.args as string]);
        return 1;
      case '.':
        return this.select(n);
      case '.?':
        return add(1, this.cost(args[0]!));
      case '[]':
        return this.index(n);
      case '[?]':
        return add(1, add(this.cost(args[0]!), this.cost(args[1]!)));
      case '!_':
        return add(1, this.cost(n.args as Node));
      case '-_':
        // cel-go parses a minus sign before a number as part of the literal.
        return literalValue(n) === undefined ? add(1, this.cost(n.args as Node)) : 0;
      case '&&':
      case '||':
        return add(this.cost(args[0]!), this.cost(args[1]!));
      case '?:':
        return this.conditional(n);
      case 'list':
        return this.list(n);
      case 'map':
        return this.map(n);
      case 'call':
      case 'rcall':
        return this.call(n);
    }
    return OPERATORS.has(n.op) ? this.operator(n) : INFINITY;
  }

  private local(name: string): LocalVar | undefined {
    return this.locals.get(name)?.at(-1);
  }

  private withLocal<T>(name: string, v: LocalVar, fn: () => T): T {
    const stack = this.locals.get(name) ?? [];
    this.locals.set(name, stack);
    stack.push(v);
    try {
      return fn();
    } finally {
      stack.pop();
    }
  }

  private path(n: Node): string[] | undefined {
    const v = n.op === 'id' ? this.local(n.args as string) : undefined;
    return v ? v.path : this.paths.get(n);
  }

  private sizeOf(n: Node): Size | undefined {
    const known = this.sizes.get(n) ?? literalSize(n);
    if (known) return known;
    const bySchema = this.schemaSize(this.path(n));
    if (bySchema) {
      this.sizes.set(n, bySchema);
      return bySchema;
    }
    if (isScalar(n.checkedType)) return ONE;
    return n.op === 'id' ? this.local(n.args as string)?.size : undefined;
  }

  /**
   * apiextensions' `sizeEstimator`: the path's first element names a variable and is skipped, so the rest is
   * followed from the node's own type (for `self` and `oldSelf` alike).
   */
  private schemaSize(path: string[] | undefined): Size | undefined {
    if (!path || path.length === 0) return undefined;
    let t: SizedType | undefined = this.root;
    for (const step of path.slice(1)) {
      t = step === '@items' || step === '@values' ? t.elem : step === '@keys' ? t.key : t.fields?.get(step);
      if (!t) return undefined;
    }
    return { min: 0, max: t.maxElements };
  }

  private operand(n: Node): Operand {
    return { size: this.sizeOf(n) ?? UNKNOWN, path: this.path(n), type: n.checkedType, literal: literalValue(n) };
  }

  private select(n: Node): number {
    const [operand, field] = n.args as [Node, string];
    const kind = operand.checkedType?.kind;
    const c = add(this.cost(operand), kind === 'map' || kind === 'message' || kind === 'param' ? 1 : 0);
    this.paths.set(n, [...(this.path(operand) ?? []), field]);
    return c;
  }

  private index(n: Node): number {
    const [operand, key] = n.args as [Node, Node];
    const c = add(1, add(this.cost(operand), this.cost(key)));
    const kind = operand.checkedType?.kind;
    if (kind === 'list' || kind === 'map' || kind === 'dyn') {
      this.paths.set(n, [...(this.path(operand) ?? []), kind === 'list' ? '@items' : '@values']);
      const size = this.entries.get(operand)?.val ?? this.sizeOf(n);
      if (size) this.sizes.set(n, size);
    }
    return c;
  }

  private conditional(n: Node): number {
    const [cond, ifTrue, ifFalse] = n.args as [Node, Node, Node];
    const c = this.cost(cond);
    const branches = Math.max(this.cost(ifTrue), this.cost(ifFalse));
    this.sizes.set(n, union(this.sizeOf(ifTrue) ?? UNKNOWN, this.sizeOf(ifFalse) ?? UNKNOWN));
    this.setEntries(n, unionEntries(this.entries.get(ifTrue), this.entries.get(ifFalse)));
    return add(c, branches);
  }

  private list(n: Node): number {
    const items = n.args as Node[];
    let c = LIST_CREATE;
    let val: Size = { min: items.length === 0 ? 0 : INFINITY, max: 0 };
    for (const item of items) {
      c = add(c, this.cost(item));
      val = union(val, this.sizeOf(item) ?? UNKNOWN);
    }
    this.entries.set(n, { kind: 'list', key: ONE, val });
    return c;
  }

  private map(n: Node): number {
    const pairs = n.args as [Node, Node][];
    let c = MAP_CREATE;
    let key: Size = { min: pairs.length === 0 ? 0 : INFINITY, max: 0 };
    let val = key;
    for (const [k, v] of pairs) {
      c = add(c, add(this.cost(k), this.cost(v)));
      key = union(key, this.sizeOf(k) ?? UNKNOWN);
      val = union(val, this.sizeOf(v) ?? UNKNOWN);
    }
    this.entries.set(n, { kind: 'map', key, val });
    return c;
  }

  private operator(n: Node): number {
    const [l, r] = n.args as [Node, Node];
    const lc = this.cost(l);
    const lhs = this.operand(l);
    const rc = this.cost(r);
    const est = operatorEstimate(n.op, lhs, this.operand(r));
    if (n.op === '+') this.setEntries(n, unionEntries(this.entries.get(l), this.entries.get(r)));
    this.setSize(n, est.size ?? this.sizeOf(n));
    return add(est.cost, add(lc, rc));
  }

  private call(n: Node): number {
    const member = n.op === 'rcall';
    const [method, second, third] = n.args as [string, Node | Node[], Node[]];
    const receiver = member ? (second as Node) : undefined;
    const args = member ? third : (second as Node[]);
    if (n.meta.alternate) return receiver ? this.comprehension(n, method, receiver, args) : INFINITY;
    // A namespaced function (`ip.isCanonical(s)`) is a global function to cel-go, a method of a constant here.
    const namespace = receiver?.op === 'id' && receiver.checkedType?.name.endsWith('Namespace') ? (receiver.args as string) : undefined;
    const name = namespace === undefined ? method : `${namespace}.${method}`;
    const target = namespace === undefined ? receiver : undefined;
    // has() is a presence test, which Kubernetes estimates at 0 beyond its operand.
    if (n.meta.macro && name === 'has' && !member) return this.cost((args[0]!.args as [Node])[0]);
    if (n.meta.macro && method === 'bind' && receiver?.op === 'id' && receiver.args === 'cel') return this.bind(n, args);
    if (name === 'dyn' && !member && args.length === 1) {
      const c = this.cost(args[0]!);
      this.setSize(n, this.sizeOf(args[0]!));
      this.setEntries(n, this.entries.get(args[0]!));
      return add(1, c);
    }
    let argCost = 0;
    const operands = args.map((a) => {
      argCost = add(argCost, this.cost(a));
      return this.operand(a);
    });
    const targetCost = target ? this.cost(target) : 0;
    const itemSize = (list: Operand) => this.schemaSize(list.path && [...list.path, '@items']) ?? UNKNOWN;
    const est = functionEstimate(name, target && this.operand(target), operands, itemSize);
    this.setSize(n, est.size ?? this.sizeOf(n));
    return add(targetCost, add(est.cost, argCost));
  }

  private setSize(n: Node, size: Size | undefined): void {
    if (size) this.sizes.set(n, size);
  }

  private setEntries(n: Node, e: Entries | undefined): void {
    if (e) this.entries.set(n, e);
  }

  /** cel-go's bind is a comprehension over an empty list whose accumulator is the bound value. */
  private bind(n: Node, [variable, value, expr]: Node[]): number {
    const init = this.cost(value!);
    const local = { path: this.path(value!), size: this.sizeOf(value!) };
    const body = this.withLocal(variable!.args as string, local, () => {
      const c = this.cost(expr!);
      this.setSize(n, this.sizeOf(expr!));
      this.setEntries(n, this.entries.get(expr!));
      return c;
    });
    return add(LIST_CREATE, add(init, body));
  }

  private comprehension(n: Node, macro: string, range: Node, args: Node[]): number {
    const shape = MACROS[macro];
    if (!shape) return INFINITY;
    const rangeCost = this.cost(range);
    const e = this.entries.get(range);
    const overList = (e?.kind ?? range.checkedType?.kind) === 'list';
    const local: LocalVar = {
      path: [...(this.path(range) ?? []), overList ? '@items' : '@keys'],
      size: overList ? e?.val : e?.key,
    };
    const iterType = overList ? range.checkedType?.valueType : range.checkedType?.keyType;
    const body = this.withLocal(args[0]!.args as string, local, () => {
      const c = args.slice(1).reduce((sum, a) => add(sum, this.cost(a)), 0);
      // What map and filter append to their result: the transform, or the iteration variable itself.
      const appended =
        macro === 'filter' ? (this.schemaSize(local.path) ?? (isScalar(iterType) ? ONE : local.size)) : this.sizeOf(args.at(-1)!);
      return { c, appended };
    });
    const rangeSize = this.sizeOf(range) ?? UNKNOWN;
    if (macro === 'map' || macro === 'filter') {
      this.sizes.set(n, rangeSize);
      this.entries.set(n, { kind: 'list', key: ONE, val: { min: 0, max: Math.max(0, (body.appended ?? UNKNOWN).max) } });
    } else {
      this.sizes.set(n, ONE);
    }
    const [fixed, perItem] = shape;
    return add(add(rangeCost, fixed), mul(rangeSize.max, add(perItem, body.c)));
  }
}

/** A literal's value, a negated number included. */
function literalValue(n: Node): unknown {
  if (n.op === 'value') return n.args;
  const operand = n.op === '-_' ? (n.args as Node) : undefined;
  if (operand?.op !== 'value') return undefined;
  const v = operand.args;
  return typeof v === 'bigint' || typeof v === 'number' ? -v : undefined;
}

/** cel-go's sizes of literals: characters of a string, bytes, elements of a list or map, 1 for the rest. */
function literalSize(n: Node): Size | undefined {
  let v: number;
  if (n.op === 'list' || n.op === 'map') v = (n.args as unknown[]).length;
  else if (n.op !== 'value') return undefined;
  else if (typeof n.args === 'string') v = Array.from(n.args).length;
  else if (n.args instanceof Uint8Array) v = n.args.length;
  else v = 1;
  return { min: v, max: v };
}
