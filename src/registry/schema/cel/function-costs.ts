/**
 * What a CEL operator or function call adds to the estimated cost of its operands, given their sizes: the
 * Kubernetes library's estimator (k8s.io/apiserver/pkg/cel/library/cost.go, by function name) first, then
 * cel-go's sized built-ins (checker/cost.go), else cel-go's default of 1; and the size of the result where
 * they give one. Sizes and costs saturate as cel-go's unsigned arithmetic does.
 */

/** The checked type the JavaScript CEL library puts on a node. */
export interface CheckedType {
  kind: string;
  name: string;
  valueType?: CheckedType;
  keyType?: CheckedType;
}

/** A size range (bytes of a string, items of a list); `max` is Infinity where upstream has no estimate. */
export interface Size {
  min: number;
  max: number;
}

/** An operand as the estimator sees it: its size, the schema path it was selected by, its type. */
export interface Operand {
  size: Size;
  path: string[] | undefined;
  type: CheckedType | undefined;
  /** The literal value, for `split`'s limit. */
  literal?: unknown;
}

interface CallEstimate {
  cost: number;
  size?: Size;
}

const INFINITY = Number.POSITIVE_INFINITY;
export const UNKNOWN: Size = { min: 0, max: INFINITY };
/** cel-go's MaxUint64; Infinity (no estimate) stays apart from it. */
const SATURATED = 2 ** 64;
const saturate = (x: number): number => (x === INFINITY ? x : Math.min(x, SATURATED));
export const add = (a: number, b: number): number => saturate(a + b);
export const mul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : saturate(a * b));
const byFactor = (a: number, f: number): number => (a === INFINITY ? a : saturate(Math.ceil(a * f)));
export const union = (a: Size, b: Size): Size => ({ min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) });

// cel-go's common/cost.go factors.
const STRING_TRAVERSAL = 0.1;
const REGEX_LENGTH = 0.25;
/** The Kubernetes `format` library's longest pattern (`MaxNameFormatRegexSize`). */
const NAMED_FORMAT_REGEX_SIZE = 128;

const SCALARS = new Set(['bool', 'int', 'uint', 'double', 'google.protobuf.Duration', 'google.protobuf.Timestamp']);
/** cel-go sizes every scalar 1. */
export const isScalar = (t: CheckedType | undefined): boolean =>
  !!t && (t.kind === 'optional' ? isScalar(t.valueType) : SCALARS.has(t.name));
const isTextual = (t: CheckedType | undefined): boolean => t?.name === 'string' || t?.name === 'bytes';
const sameTextual = (l: Operand, r: Operand): boolean => isTextual(l.type) && l.type?.name === r.type?.name;

/** Kubernetes library functions whose estimate is 1 whatever their arguments. */
const UNIT_COST = new Set([
  ...['masked', 'prefixLength', 'family', 'isUnspecified', 'isLoopback', 'isLinkLocalMulticast', 'isLinkLocalUnicast'],
  ...['isGlobalUnicast', 'format.named', 'sign', 'asInteger', 'isInteger', 'asApproximateFloat', 'isGreaterThan'],
  ...['isLessThan', 'compareTo', 'add', 'sub', 'major', 'minor', 'patch', 'getScheme', 'getHostname', 'getHost'],
  ...['getPort', 'getEscapedPath', 'getQuery'],
]);
/** Kubernetes library functions that read their string argument once. */
const PARSES_ARGUMENT = new Set(['cidr', 'isIP', 'isCIDR', 'quantity', 'isQuantity', 'semver', 'isSemver']);
/** Kubernetes types (cel-go's names) whose equality costs 1. */
const UNIT_EQUALITY = new Set(['net.IP', 'net.CIDR', 'kubernetes.Quantity', 'kubernetes.Semver']);

const traverse = (s: Size, factor = STRING_TRAVERSAL): number => byFactor(s.max, factor);

/** The binary operators: comparisons by the smaller operand's size, concatenation by the result's, `in` a list by its length. */
export function operatorEstimate(op: string, l: Operand, r: Operand): CallEstimate {
  switch (op) {
    case '==':
    case '!=':
      return { cost: op === '==' ? equalityCost(l, r) : comparisonCost(l, r) };
    case '<':
    case '<=':
    case '>':
    case '>=':
      return { cost: sameTextual(l, r) ? comparisonCost(l, r) : 1 };
    case '+': {
      const size = { min: add(l.size.min, r.size.min), max: add(l.size.max, r.size.max) };
      if (sameTextual(l, r)) return { cost: traverse(size), size };
      if (l.type?.kind === 'list' && r.type?.kind === 'list') return { cost: 1, size };
      return { cost: 1 };
    }
    case 'in':
      return { cost: r.type?.kind === 'list' ? r.size.max : 1 };
  }
  return { cost: 1 };
}

const comparisonCost = (l: Operand, r: Operand): number => byFactor(Math.min(l.size.max, r.size.max), STRING_TRAVERSAL);

/** Only `==` has the Kubernetes library's own costs, for its opaque types. */
function equalityCost(l: Operand, r: Operand): number {
  const name = l.type?.name;
  if (name !== undefined && name === r.type?.name) {
    if (UNIT_EQUALITY.has(name)) return 1;
    if (name === 'kubernetes.NamedFormat') return byFactor(64, STRING_TRAVERSAL);
    if (name === 'kubernetes.URL') return byFactor(r.size.max === INFINITY ? 1 : r.size.max, STRING_TRAVERSAL);
  }
  return comparisonCost(l, r);
}

/**
 * A function's own cost (`target` for a member call). `itemSize` sizes a list's items along the list's path,
 * as the library's `listElementNode` does.
 */
export function functionEstimate(
  name: string,
  target: Operand | undefined,
  args: Operand[],
  itemSize: (list: Operand) => Size,
): CallEstimate {
  const [arg] = args;
  switch (name) {
    case 'isSorted':
    case 'sum':
    case 'max':
    case 'min':
    case 'indexOf':
    case 'lastIndexOf':
    case 'includes': {
      if (!target) break;
      const t = target.type;
      const elem = t?.kind === 'list' ? t.valueType : t?.kind === 'map' ? t.keyType : undefined;
      if (elem) return { cost: mul(target.size.max, isTextual(elem) ? add(1, traverse(itemSize(target))) : 1) };
      return { cost: name === 'includes' ? target.size.max : traverse(target.size) };
    }
    case 'url':
    case 'jsonpatch.escapeKey':
      if (!target && args.length === 1) return { cost: traverse(arg!.size), size: arg!.size };
      break;
    case 'lowerAscii':
    case 'upperAscii':
    case 'substring':
    case 'trim':
      if (target) return { cost: traverse(target.size), size: target.size };
      break;
    case 'replace':
      if (target && args.length >= 2) {
        return { cost: traverse(target.size, 2 * STRING_TRAVERSAL), size: replacedSize(target.size, arg!.size, args[1]!.size) };
      }
      break;
    case 'split':
      if (target) {
        const limit = splitLimit(args[1]?.literal) ?? target.size.max;
        return { cost: traverse(target.size, 2 * STRING_TRAVERSAL), size: { min: 0, max: limit } };
      }
      break;
    case 'join':
      if (target) {
        const size = joinedSize(target.size, target.type?.valueType ? itemSize(target) : { min: 0, max: 0 }, arg?.size);
        return { cost: traverse(size), size };
      }
      break;
    case 'find':
    case 'findAll':
      if (target && arg) return { cost: regexCost(target.size, arg.size), size: { min: 0, max: target.size.max } };
      break;
    case 'ip':
      if (target) return { cost: 1 };
      if (arg) return { cost: traverse(arg.size) };
      break;
    case 'ip.isCanonical':
      if (arg) return { cost: traverse(arg.size, 2 * STRING_TRAVERSAL) };
      break;
    case 'containsIP':
    case 'containsCIDR':
      if (arg) {
        // Comparing addresses of 4 to 16 bytes; a CIDR argument is also masked. A string argument is parsed.
        const compare = name === 'containsIP' ? 4 : 7;
        return { cost: arg.type?.name === 'string' ? add(compare, traverse(arg.size)) : compare };
      }
      break;
    case 'validate':
      if (arg) return { cost: byFactor(traverse(arg.size), NAMED_FORMAT_REGEX_SIZE * REGEX_LENGTH) };
      break;
  }
  if (UNIT_COST.has(name)) return { cost: 1 };
  if (PARSES_ARGUMENT.has(name) && arg) return { cost: traverse(arg.size) };
  return builtinEstimate(name, target, args);
}

/** cel-go's built-in functions that depend on size. */
function builtinEstimate(name: string, target: Operand | undefined, args: Operand[]): CallEstimate {
  const [arg] = args;
  switch (name) {
    case 'bytes':
      if (!target && arg?.type?.name === 'string') {
        return { cost: traverse(arg.size), size: { min: arg.size.min, max: mul(arg.size.max, 4) } };
      }
      break;
    case 'string':
      if (!target && arg?.type?.name === 'bytes') {
        return { cost: traverse(arg.size), size: { min: Math.floor(arg.size.min / 4), max: arg.size.max } };
      }
      break;
    case 'startsWith':
    case 'endsWith':
      if (target && args.length === 1) return { cost: traverse(arg!.size) };
      break;
    case 'matches':
      if (target && args.length === 1) return { cost: regexCost(target.size, arg!.size) };
      if (!target && args.length === 2) return { cost: regexCost(arg!.size, args[1]!.size) };
      break;
    case 'contains':
      if (target?.type?.name === 'string' && args.length === 1) return { cost: mul(traverse(target.size), traverse(arg!.size)) };
      break;
  }
  return { cost: 1 };
}

function regexCost(str: Size, pattern: Size): number {
  return mul(byFactor(add(str.max, 1), STRING_TRAVERSAL), byFactor(pattern.max, REGEX_LENGTH));
}

/** The library's bound on `replace`'s result: how many replacements fit, times the replacement, plus what is kept. */
function replacedSize(s: Size, from: Size, to: Size): Size {
  const count: Size = { min: 0, max: 0 };
  const kept: Size = { min: 0, max: 0 };
  if (from.min === 0) [count.max, kept.max] = [add(s.max, 1), s.max];
  else if (to.max <= from.min) kept.max = s.max;
  else count.max = Math.ceil(s.max / from.min);
  if (from.max === 0) [count.min, kept.min] = [add(s.min, 1), s.min];
  else if (from.max <= to.min) kept.min = s.min;
  else count.min = Math.ceil(s.min / from.max);
  return { min: add(mul(count.min, to.min), kept.min), max: add(mul(count.max, to.max), kept.max) };
}

/** `join`: every item, plus a separator between each two. */
function joinedSize(list: Size, item: Size, separator: Size | undefined): Size {
  const items = { min: mul(list.min, item.min), max: mul(list.max, item.max) };
  if (!separator) return items;
  const between = { min: Math.max(0, list.min - 1), max: Math.max(0, list.max - 1) };
  return { min: add(items.min, mul(separator.min, between.min)), max: add(items.max, mul(separator.max, between.max)) };
}

/** `split`'s literal limit bounds its result; a negative one (Go's uint64 of it) leaves it unbounded. */
function splitLimit(literal: unknown): number | undefined {
  if (typeof literal !== 'bigint') return undefined;
  return literal < 0n ? INFINITY : Number(literal);
}
