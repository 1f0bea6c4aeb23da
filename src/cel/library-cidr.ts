/**
 * The Kubernetes CIDR library (k8s.io/apiserver/pkg/cel/library/cidr.go): `cidr`, `isCIDR`, `string` and
 * the methods of `net.CIDR`. What is a CIDR is Go's `netip.ParsePrefix` (bits after the prefix allowed, no
 * zones), less IPv4-mapped IPv6, which Kubernetes refuses.
 */
import { type Environment, EvaluationError } from '@marcbachmann/cel-js';
import { goQuote } from '../apimachinery/go-format.js';
import { chargeCost } from './cost.js';
import { AddressError, chargeParse, IP, ipString, isIPv4Mapped, parseAddr, parseIPAddr } from './library-ip.js';

/** Go's `netip.Prefix`: an address and a prefix length, the bits after it kept as written. */
export class CIDR {
  /** The only enumerable fields, so structural equality is Go's `==` (`1.2.3.4/24` is not `1.2.3.0/24`). */
  constructor(
    readonly ip: IP,
    readonly bits: number,
  ) {}
}

/** Go's `parsePrefixError` text. */
const prefixError = (input: string, msg: string): AddressError => new AddressError(`netip.ParsePrefix(${goQuote(input)}): ${msg}`);

const INT_MAX = 2n ** 63n - 1n;

/** Go's `netip.ParsePrefix`: an address, the last `/`, and a decimal length without sign or leading zero. */
function parsePrefix(s: string): CIDR {
  const slash = s.lastIndexOf('/');
  if (slash < 0) throw prefixError(s, "no '/'");
  let parsed: { ip: IP; zone: string };
  try {
    parsed = parseAddr(s.slice(0, slash));
  } catch (err) {
    if (err instanceof AddressError) throw prefixError(s, err.message);
    throw err;
  }
  if (parsed.zone !== '') throw prefixError(s, 'IPv6 zones cannot be present in a prefix');
  const bitsString = s.slice(slash + 1);
  // strconv.Atoi fails past int64 (19 digits), which Go reports as bad bits rather than out of range.
  if (!/^(0|[1-9][0-9]*)$/.test(bitsString) || bitsString.length > 19 || BigInt(bitsString) > INT_MAX) {
    throw prefixError(s, `bad bits after slash: ${goQuote(bitsString)}`);
  }
  const bits = Number(bitsString);
  if (bits > parsed.ip.bytes.length * 8) throw prefixError(s, 'prefix length out of range');
  return new CIDR(parsed.ip, bits);
}

const PARSE_ERROR = 'network address parse error during conversion from string: ';

/**
 * Kubernetes' `parseCIDR`. Its caller prefixes the message again, so a Go parse error carries the prefix
 * twice (`network address parse error ...: network address parse error ...: netip.ParsePrefix(...)`).
 */
function parseCIDR(raw: string): CIDR {
  let cidr: CIDR;
  try {
    cidr = parsePrefix(raw);
  } catch (err) {
    if (err instanceof AddressError) throw new AddressError(`${PARSE_ERROR}${err.message}`);
    throw err;
  }
  if (isIPv4Mapped(cidr.ip)) throw new AddressError(`IPv4-mapped IPv6 address ${goQuote(raw)} is not allowed`);
  return cidr;
}

function stringToCIDR(s: string): CIDR {
  try {
    return parseCIDR(s);
  } catch (err) {
    if (err instanceof AddressError) throw new EvaluationError(`${PARSE_ERROR}${err.message}`);
    throw err;
  }
}

/** Do `a` and `b` agree in their first `bits` bits? */
function samePrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[whole]! & mask) === (b[whole]! & mask);
}

/** `Prefix.Contains`: an address of the same family whose first bits are the prefix's. */
const containsIP = (cidr: CIDR, ip: IP): boolean =>
  cidr.ip.bytes.length === ip.bytes.length && samePrefix(cidr.ip.bytes, ip.bytes, cidr.bits);

/** Upstream's `Overlaps` and no shorter prefix: `other` lies within `cidr`. */
const containsCIDR = (cidr: CIDR, other: CIDR): boolean => cidr.bits <= other.bits && containsIP(cidr, other.ip);

/** `Prefix.Masked`: the bits after the prefix cleared. */
function masked(cidr: CIDR): CIDR {
  const bytes = cidr.ip.bytes.map((b, i) => {
    const kept = Math.min(8, Math.max(0, cidr.bits - i * 8));
    return b & ((0xff << (8 - kept)) & 0xff);
  });
  return new CIDR(new IP(bytes), cidr.bits);
}

/**
 * Upstream's cost.go: comparing costs a traversal of the prefix's bytes twice (its `Size`, the prefix length
 * in bytes, not the address's), and a string argument is parsed first.
 */
const prefixBytes = (cidr: CIDR): number => Math.ceil(cidr.bits / 8);
const chargeCompare = (cidr: CIDR): void => chargeCost(Math.ceil((prefixBytes(cidr) + prefixBytes(cidr)) * 0.1));
/** Containment of a CIDR masks the receiver first: one more traversal, and one for comparing the lengths. */
const chargeMask = (cidr: CIDR): void => chargeCost(Math.ceil(prefixBytes(cidr) * 0.1) + 1);

export function registerCIDRLibrary(env: Environment): void {
  env.registerType('net.CIDR', CIDR);
  env.registerOperator('net.CIDR == net.CIDR', (a: CIDR, b: CIDR) => {
    chargeCost(1);
    return a.bits === b.bits && Buffer.from(a.ip.bytes).equals(b.ip.bytes);
  });
  env.registerFunction('cidr(string): net.CIDR', (s: string) => {
    chargeParse(s);
    return stringToCIDR(s);
  });
  env.registerFunction('isCIDR(string): bool', (s: string) => {
    chargeParse(s);
    try {
      parseCIDR(s);
      return true;
    } catch (err) {
      if (err instanceof AddressError) return false;
      throw err;
    }
  });
  env.registerFunction('string(net.CIDR): string', (cidr: CIDR) => `${ipString(cidr.ip)}/${cidr.bits}`);
  env.registerFunction('net.CIDR.containsIP(net.IP): bool', (cidr: CIDR, ip: IP) => {
    chargeCompare(cidr);
    return containsIP(cidr, ip);
  });
  env.registerFunction('net.CIDR.containsIP(string): bool', (cidr: CIDR, s: string) => {
    chargeCompare(cidr);
    chargeParse(s);
    try {
      return containsIP(cidr, parseIPAddr(s));
    } catch (err) {
      // Upstream hands the parse error to the IP overload, which does not take it and reports the type.
      if (err instanceof AddressError) throw new EvaluationError('no such overload');
      throw err;
    }
  });
  env.registerFunction('net.CIDR.containsCIDR(net.CIDR): bool', (cidr: CIDR, other: CIDR) => {
    chargeCompare(cidr);
    chargeMask(cidr);
    return containsCIDR(cidr, other);
  });
  env.registerFunction('net.CIDR.containsCIDR(string): bool', (cidr: CIDR, s: string) => {
    chargeCompare(cidr);
    chargeMask(cidr);
    chargeParse(s);
    return containsCIDR(cidr, stringToCIDR(s));
  });
  const accessor = (name: string, ret: string, fn: (cidr: CIDR) => unknown) =>
    env.registerFunction(`net.CIDR.${name}(): ${ret}`, (cidr: CIDR) => {
      chargeCost(1);
      return fn(cidr);
    });
  accessor('ip', 'net.IP', (cidr) => cidr.ip);
  accessor('masked', 'net.CIDR', masked);
  accessor('prefixLength', 'int', (cidr) => BigInt(cidr.bits));
}
