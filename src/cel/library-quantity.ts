/**
 * The Kubernetes quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go) over apimachinery's
 * `resource.Quantity`: `quantity`, `isQuantity`, `sign`, `isGreaterThan`, `isLessThan`, `compareTo`, `add`,
 * `sub`, `asInteger`, `isInteger`, `asApproximateFloat`.
 *
 * A Quantity keeps Go's two representations, because `isInteger`/`asInteger` answer by representation, not
 * by value: an int64 amount (`value × 10^scale`) is an integer only at a scale >= 0 without overflow
 * (`quantity("1000m").isInteger()` is false), and one that became an arbitrary-precision decimal (parsed
 * beyond int64 precision, or an int64 overflow in arithmetic) never is.
 */
import { type Environment, EvaluationError } from '@marcbachmann/cel-js';
import { chargeCost } from './cost.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const fitsInt64 = (v: bigint): boolean => v >= INT64_MIN && v <= INT64_MAX;
const pow10 = (n: number): bigint => 10n ** BigInt(n);

/**
 * Exact sums of quantities far apart in scale (`1e100000000` and `1`) need integers of that many digits;
 * Go computes them, slowly. Past a million digits this refuses, rather than hold the server for minutes.
 */
const MAX_ALIGNMENT = 1_000_000;
function alignable(digits: number): void {
  if (digits > MAX_ALIGNMENT) throw new EvaluationError('quantity arithmetic exceeds supported precision');
}

/** resource.Quantity's Scale for "nano", the finest precision a parsed decimal keeps (rounded up). */
const NANO = -9;

export class Quantity {
  /**
   * The value, normalized (no trailing zeros in `coefficient`): the only enumerable fields, so that
   * structural equality (`celEquals`, used by `sets` and `indexOf`) is Go's `Quantity.Equal`, a `Cmp`.
   */
  readonly coefficient: bigint;
  readonly exponent: number;
  /** `value × 10^scale`, an int64 amount unless `dec`. */
  readonly #value: bigint;
  readonly #scale: number;
  readonly #dec: boolean;

  constructor(value: bigint, scale: number, dec: boolean) {
    this.#value = value;
    this.#scale = scale;
    this.#dec = dec;
    let c = value;
    let e = scale;
    if (c === 0n) e = 0;
    else
      while (c % 10n === 0n) {
        c /= 10n;
        e++;
      }
    this.coefficient = c;
    this.exponent = e;
  }

  sign(): number {
    return this.#value > 0n ? 1 : this.#value < 0n ? -1 : 0;
  }

  /** `Cmp`: -1, 0 or 1. Aligns exponents only when the magnitudes tie, so `1e1000000` costs no big power. */
  compare(other: Quantity): number {
    const sa = this.sign();
    const sb = other.sign();
    if (sa !== sb || sa === 0) return Math.sign(sa - sb);
    const magnitude = (q: Quantity) => (q.coefficient < 0n ? -q.coefficient : q.coefficient).toString().length + q.exponent;
    const ma = magnitude(this);
    const mb = magnitude(other);
    if (ma !== mb) return ma > mb ? sa : -sa;
    const e = Math.min(this.exponent, other.exponent);
    const a = this.coefficient * pow10(this.exponent - e);
    const b = other.coefficient * pow10(other.exponent - e);
    return a === b ? 0 : a > b ? 1 : -1;
  }

  /** `Add` (and `Sub` with a negated operand): int64 arithmetic at the finer scale, else a decimal. */
  plus(other: Quantity, negate: boolean): Quantity {
    const b = negate ? -other.#value : other.#value;
    if (!this.#dec && !other.#dec) {
      if (b === 0n) return this;
      if (this.#value === 0n) return new Quantity(b, other.#scale, false);
      const scale = Math.min(this.#scale, other.#scale);
      // Go gives up on the int64 amount when scaling either operand or the sum overflows (certain past
      // 10^18, checked before computing the power).
      if (Math.max(this.#scale, other.#scale) - scale <= 18) {
        const x = this.#value * pow10(this.#scale - scale);
        const y = b * pow10(other.#scale - scale);
        if (fitsInt64(x) && fitsInt64(y) && fitsInt64(x + y)) return new Quantity(x + y, scale, false);
      }
    }
    const scale = Math.min(this.#scale, other.#scale);
    alignable(Math.max(this.#scale, other.#scale) - scale);
    return new Quantity(this.#value * pow10(this.#scale - scale) + b * pow10(other.#scale - scale), scale, true);
  }

  /** `AsInt64`. */
  asInt64(): bigint | undefined {
    if (this.#dec || this.#scale < 0) return undefined;
    if (this.#value === 0n) return 0n;
    if (this.#scale > 18) return undefined;
    const v = this.#value * pow10(this.#scale);
    return fitsInt64(v) ? v : undefined;
  }

  /** `AsApproximateFloat64`: the unscaled value as a float times Go's `math.Pow10` of the scale. */
  asApproximateFloat(): number {
    const base = Number(this.#value);
    if (this.#scale === 0) return base;
    return base * (this.#scale > 0 ? 10 ** this.#scale : 1 / 10 ** -this.#scale);
  }
}

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const ERR_FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE}'`;
const ERR_SUFFIX = "unable to parse quantity's suffix";

type Suffix = { base: 2 | 10; exponent: number; binary: boolean };
const SUFFIXES: Record<string, Suffix> = {
  Ki: { base: 2, exponent: 10, binary: true },
  Mi: { base: 2, exponent: 20, binary: true },
  Gi: { base: 2, exponent: 30, binary: true },
  Ti: { base: 2, exponent: 40, binary: true },
  Pi: { base: 2, exponent: 50, binary: true },
  Ei: { base: 2, exponent: 60, binary: true },
  n: { base: 10, exponent: -9, binary: false },
  u: { base: 10, exponent: -6, binary: false },
  m: { base: 10, exponent: -3, binary: false },
  '': { base: 10, exponent: 0, binary: false },
  k: { base: 10, exponent: 3, binary: false },
  M: { base: 10, exponent: 6, binary: false },
  G: { base: 10, exponent: 9, binary: false },
  T: { base: 10, exponent: 12, binary: false },
  P: { base: 10, exponent: 15, binary: false },
  E: { base: 10, exponent: 18, binary: false },
};

/** The suffixer's `interpret`: a named suffix, else `e`/`E` and a Go int64 exponent (truncated to int32). */
function interpret(suffix: string): Suffix | undefined {
  const named = SUFFIXES[suffix];
  if (named) return named;
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    const n = BigInt(suffix.slice(1));
    if (!fitsInt64(n)) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, n)), binary: false };
  }
  return undefined;
}

/** `parseQuantityString`'s split: sign, digits before and after the point, suffix (the suffix unchecked). */
const SPLIT = /^([+-]?)(?:0*)([0-9]*)(?:\.([0-9]*))?(?:([eEinumkKMGTP]*[-+]?[0-9]*))$/;

/** `resource.ParseQuantity`; throws upstream's error. */
export function parseQuantity(str: string): Quantity {
  if (str.length === 0) throw new EvaluationError(ERR_FORMAT_WRONG);
  // A sign and zeros alone are zero: Go stops reading at the end of the zeros.
  if (/^[+-]?0*$/.test(str)) return new Quantity(0n, 0, false);
  const m = SPLIT.exec(str);
  if (!m) throw new EvaluationError(ERR_FORMAT_WRONG);
  const negative = m[1] === '-';
  const num = m[2] || '0';
  const denom = m[3] ?? '';
  const suffix = interpret(m[4] ?? '');
  if (!suffix) throw new EvaluationError(ERR_SUFFIX);

  // Go's fast path: an int64 amount when the digits and suffix leave enough precision.
  let precision: number;
  let scale = 0;
  let mantissa = 1n;
  if (!suffix.binary) {
    scale = suffix.exponent;
    precision = 18 - (num.length + denom.length);
  } else if (denom.length === 0) {
    mantissa = 1n << BigInt(suffix.exponent);
    precision = 15 - num.length - Math.trunc(Math.fround((suffix.exponent * 3) / 10)) - 1;
  } else {
    precision = -1;
  }
  if (precision >= 0 && scale - denom.length >= NANO) {
    const result = BigInt(num + denom) * mantissa;
    if (fitsInt64(result)) return new Quantity(negative ? -result : result, scale - denom.length, false);
  }

  // An arbitrary-precision decimal, its magnitude rounded up to nano and (binary) capped at int64. Go
  // rescales every such decimal to nano; a coarser decimal keeps its scale here, the same value, so that
  // `1e100000000` does not build a hundred-million-digit integer.
  let amount = BigInt(num + denom);
  let decScale = -denom.length;
  if (suffix.base === 10) decScale += suffix.exponent;
  else amount *= 1n << BigInt(suffix.exponent);
  if (amount !== 0n && (decScale < NANO || suffix.binary)) {
    if (decScale >= NANO) amount *= pow10(decScale - NANO);
    else {
      const divisor = pow10(NANO - decScale);
      amount = (amount + divisor - 1n) / divisor;
    }
    decScale = NANO;
    if (suffix.binary && amount > INT64_MAX * pow10(-NANO)) amount = INT64_MAX * pow10(-NANO);
  }
  return new Quantity(negative ? -amount : amount, decScale, true);
}

/** cel-go charges string-parsing functions a tenth of the string's length. */
const chargeParse = (s: string): void => chargeCost(Math.ceil(s.length * 0.1));

export function registerQuantityLibrary(env: Environment): void {
  env.registerType('kubernetes.Quantity', Quantity);
  env.registerOperator('kubernetes.Quantity == kubernetes.Quantity', (a: Quantity, b: Quantity) => {
    chargeCost(1);
    return a.compare(b) === 0;
  });
  env.registerFunction('quantity(string): kubernetes.Quantity', (s: string) => {
    chargeParse(s);
    return parseQuantity(s);
  });
  env.registerFunction('isQuantity(string): bool', (s: string) => {
    chargeParse(s);
    try {
      parseQuantity(s);
      return true;
    } catch {
      return false;
    }
  });
  const nominal = <A extends unknown[], R>(fn: (...args: A) => R) => {
    return (...args: A): R => {
      chargeCost(1);
      return fn(...args);
    };
  };
  env.registerFunction(
    'sign(kubernetes.Quantity): int',
    nominal((q: Quantity) => BigInt(q.sign())),
  );
  env.registerFunction(
    'kubernetes.Quantity.isGreaterThan(kubernetes.Quantity): bool',
    nominal((a: Quantity, b: Quantity) => a.compare(b) === 1),
  );
  env.registerFunction(
    'kubernetes.Quantity.isLessThan(kubernetes.Quantity): bool',
    nominal((a: Quantity, b: Quantity) => a.compare(b) === -1),
  );
  env.registerFunction(
    'kubernetes.Quantity.compareTo(kubernetes.Quantity): int',
    nominal((a: Quantity, b: Quantity) => BigInt(a.compare(b))),
  );
  env.registerFunction(
    'kubernetes.Quantity.add(kubernetes.Quantity): kubernetes.Quantity',
    nominal((a: Quantity, b: Quantity) => a.plus(b, false)),
  );
  env.registerFunction(
    'kubernetes.Quantity.add(int): kubernetes.Quantity',
    nominal((a: Quantity, n: bigint) => a.plus(new Quantity(n, 0, false), false)),
  );
  env.registerFunction(
    'kubernetes.Quantity.sub(kubernetes.Quantity): kubernetes.Quantity',
    nominal((a: Quantity, b: Quantity) => a.plus(b, true)),
  );
  env.registerFunction(
    'kubernetes.Quantity.sub(int): kubernetes.Quantity',
    nominal((a: Quantity, n: bigint) => a.plus(new Quantity(n, 0, false), true)),
  );
  env.registerFunction(
    'kubernetes.Quantity.isInteger(): bool',
    nominal((q: Quantity) => q.asInt64() !== undefined),
  );
  env.registerFunction(
    'kubernetes.Quantity.asInteger(): int',
    nominal((q: Quantity) => {
      const v = q.asInt64();
      if (v === undefined) throw new EvaluationError('cannot convert value to integer');
      return v;
    }),
  );
  env.registerFunction(
    'kubernetes.Quantity.asApproximateFloat(): double',
    nominal((q: Quantity) => q.asApproximateFloat()),
  );
}
