/**
 * The Kubernetes IP library (k8s.io/apiserver/pkg/cel/library/ip.go): `ip`, `isIP`, `ip.isCanonical`,
 * `string` and the predicates of `net.IP`. What is an address is Go's `netip.ParseAddr` (no leading zeros
 * in IPv4 octets, no IPv4 shorthand), less what Kubernetes refuses on top: zones and IPv4-mapped IPv6.
 */
import { type Environment, EvaluationError } from '@marcbachmann/cel-js';
import { goQuote } from '../apimachinery/go-format.js';
import { chargeCost } from './cost.js';

/** Go's `netip.Addr` without a zone: what Kubernetes accepts never has one. */
export class IP {
  /** 4 bytes for IPv4, 16 for IPv6: the only enumerable field, so structural equality is Go's `==`. */
  constructor(readonly bytes: Uint8Array) {}
}

/** A string that is not an address; the message is Go's or Kubernetes', ready to show. */
export class AddressError extends Error {}

/** Go's `parseAddrError` text. */
function addrError(input: string, msg: string, at = ''): AddressError {
  return new AddressError(`ParseAddr(${goQuote(input)}): ${msg}${at === '' ? '' : ` (at ${goQuote(at)})`}`);
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/** Go's `parseIPv4Fields`: `s` (a part of `input`) into `out` from `offset`, failing as Go does and where. */
function parseIPv4Fields(input: string, s: string, out: Uint8Array, offset: number): void {
  let value = 0;
  let field = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (isDigit(c)) {
      if (digits === 1 && value === 0) throw addrError(input, 'IPv4 field has octet with leading zero');
      value = value * 10 + Number(c);
      digits++;
      if (value > 255) throw addrError(input, 'IPv4 field has value >255');
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') {
        throw addrError(input, 'IPv4 field must have at least one digit', s.slice(i));
      }
      if (field === 3) throw addrError(input, 'IPv4 address too long');
      out[offset + field++] = value;
      value = 0;
      digits = 0;
    } else {
      throw addrError(input, 'unexpected character', s.slice(i));
    }
  }
  if (field < 3) throw addrError(input, 'IPv4 address too short');
  out[offset + 3] = value;
}

/** Go's `parseIPv6`: groups of up to four hex digits, one `::`, an IPv4 tail, a `%zone`. */
function parseIPv6(input: string): { ip: IP; zone: string } {
  let s = input;
  let zone = '';
  const percent = s.indexOf('%');
  if (percent >= 0) {
    [s, zone] = [s.slice(0, percent), s.slice(percent + 1)];
    if (zone === '') throw addrError(input, 'zone must be a non-empty string');
  }
  const bytes = new Uint8Array(16);
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return { ip: new IP(bytes), zone };
  }
  let i = 0;
  while (i < 16) {
    let n = 0;
    let group = 0;
    for (; isHex(s[n]); n++) {
      // A fifth digit fails before its value could pass 0xffff, so Go's ">=2^16" message never shows.
      if (n > 3) throw addrError(input, 'each group must have 4 or less digits', s);
      group = group * 16 + Number.parseInt(s[n]!, 16);
    }
    if (n === 0) throw addrError(input, 'each colon-separated field must have at least one digit', s);
    if (s[n] === '.') {
      if (ellipsis < 0 && i !== 12) {
        throw addrError(input, 'embedded IPv4 address must replace the final 2 fields of the address', s);
      }
      if (i + 4 > 16) throw addrError(input, 'too many hex fields to fit an embedded IPv4 at the end of the address', s);
      parseIPv4Fields(input, s, bytes, i);
      s = '';
      i += 4;
      break;
    }
    bytes[i++] = group >> 8;
    bytes[i++] = group & 0xff;
    s = s.slice(n);
    if (s === '') break;
    if (s[0] !== ':') throw addrError(input, 'unexpected character, want colon', s);
    if (s.length === 1) throw addrError(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) throw addrError(input, 'multiple :: in address', s);
      ellipsis = i;
      s = s.slice(1);
      if (s === '') break;
    }
  }
  if (s !== '') throw addrError(input, 'trailing garbage after address', s);
  if (i < 16) {
    if (ellipsis < 0) throw addrError(input, 'address string too short');
    const tail = bytes.slice(ellipsis, i);
    bytes.fill(0, ellipsis);
    bytes.set(tail, 16 - tail.length);
  } else if (ellipsis >= 0) {
    throw addrError(input, 'the :: must expand to at least one field of zeros');
  }
  return { ip: new IP(bytes), zone };
}

/** Go's `netip.ParseAddr`: the first `.`, `:` or `%` decides how the string is read. */
export function parseAddr(s: string): { ip: IP; zone: string } {
  const first = /[.:%]/.exec(s)?.[0];
  if (first === '.') {
    const bytes = new Uint8Array(4);
    parseIPv4Fields(s, s, bytes, 0);
    return { ip: new IP(bytes), zone: '' };
  }
  if (first === ':') return parseIPv6(s);
  // A `%` before any `:` is a zone without its address.
  throw addrError(s, first === '%' ? 'missing IPv6 address' : 'unable to parse IP');
}

/** `::ffff:a.b.c.d`, IPv4 written as IPv6 (Go's `Is4In6`). */
export const isIPv4Mapped = (ip: IP): boolean =>
  ip.bytes.length === 16 && ip.bytes.subarray(0, 10).every((b) => b === 0) && ip.bytes[10] === 0xff && ip.bytes[11] === 0xff;

/** Kubernetes' `parseIPAddr`: one spelling per address, so no zones and no IPv4-mapped IPv6. */
export function parseIPAddr(raw: string): IP {
  let parsed: { ip: IP; zone: string };
  try {
    parsed = parseAddr(raw);
  } catch (err) {
    if (err instanceof AddressError) {
      throw new AddressError(`IP Address ${goQuote(raw)} parse error during conversion from string: ${err.message}`);
    }
    throw err;
  }
  if (parsed.zone !== '') throw new AddressError(`IP address ${goQuote(raw)} with zone value is not allowed`);
  if (isIPv4Mapped(parsed.ip)) throw new AddressError(`IPv4-mapped IPv6 address ${goQuote(raw)} is not allowed`);
  return parsed.ip;
}

/** Go's `Addr.String`: dotted IPv4; IPv6 in lower-case hex with the first longest run of 2+ zero groups as `::`. */
export function ipString(ip: IP): string {
  const b = ip.bytes;
  if (b.length === 4) return b.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((b[2 * i]! << 8) | b[2 * i + 1]!).toString(16));
  let start = -1;
  let length = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > length) [start, length] = [i, j - i];
  }
  if (start < 0) return groups.join(':');
  return `${groups.slice(0, start).join(':')}::${groups.slice(start + length).join(':')}`;
}

const isIPv4 = (ip: IP): boolean => ip.bytes.length === 4;
const isUnspecified = (ip: IP): boolean => ip.bytes.every((b) => b === 0);
const isLoopback = (ip: IP): boolean =>
  isIPv4(ip) ? ip.bytes[0] === 127 : ip.bytes.subarray(0, 15).every((b) => b === 0) && ip.bytes[15] === 1;
const isMulticast = (ip: IP): boolean => (isIPv4(ip) ? (ip.bytes[0]! & 0xf0) === 0xe0 : ip.bytes[0] === 0xff);
/** 224.0.0.0/24; for IPv6 Go tests the scope nibble (ff02::/16 and its flag variants), not all of ff00::/8. */
const isLinkLocalMulticast = (ip: IP): boolean =>
  isIPv4(ip) ? ip.bytes[0] === 224 && ip.bytes[1] === 0 && ip.bytes[2] === 0 : ip.bytes[0] === 0xff && (ip.bytes[1]! & 0x0f) === 0x02;
const isLinkLocalUnicast = (ip: IP): boolean =>
  isIPv4(ip) ? ip.bytes[0] === 169 && ip.bytes[1] === 254 : ip.bytes[0] === 0xfe && (ip.bytes[1]! & 0xc0) === 0x80;
/** As package net: private IPv4 and IPv6 ULAs count as global; only the special ranges do not. */
const isGlobalUnicast = (ip: IP): boolean =>
  !isUnspecified(ip) && !(isIPv4(ip) && ip.bytes.every((b) => b === 255)) && !isLoopback(ip) && !isMulticast(ip) && !isLinkLocalUnicast(ip);

/** The value of the `ip` identifier, so that `ip.isCanonical` resolves: cel-js has no namespaced functions. */
class IPNamespace {}

/** Parsing is one traversal of the string (upstream's cost.go). */
export const chargeParse = (s: string): void => chargeCost(Math.ceil(s.length * 0.1));

/** `ip(s)`, with Kubernetes' message as the evaluation error. */
function stringToIP(s: string): IP {
  try {
    return parseIPAddr(s);
  } catch (err) {
    if (err instanceof AddressError) throw new EvaluationError(err.message);
    throw err;
  }
}

export function registerIPLibrary(env: Environment): void {
  env.registerType('net.IP', IP);
  env.registerType('IPNamespace', IPNamespace);
  env.registerConstant('ip', 'IPNamespace', new IPNamespace());
  env.registerOperator('net.IP == net.IP', (a: IP, b: IP) => {
    chargeCost(1);
    return Buffer.from(a.bytes).equals(b.bytes);
  });
  env.registerFunction('ip(string): net.IP', (s: string) => {
    chargeParse(s);
    return stringToIP(s);
  });
  env.registerFunction('isIP(string): bool', (s: string) => {
    chargeParse(s);
    try {
      parseIPAddr(s);
      return true;
    } catch (err) {
      if (err instanceof AddressError) return false;
      throw err;
    }
  });
  // The canonical spelling is the one Go prints; an unparsable string is an error here, not false.
  env.registerFunction('IPNamespace.isCanonical(string): bool', (_: IPNamespace, s: string) => {
    chargeCost(Math.ceil(s.length * 2 * 0.1));
    return ipString(stringToIP(s)) === s;
  });
  env.registerFunction('string(net.IP): string', ipString);
  const accessor = (name: string, ret: string, fn: (ip: IP) => unknown) =>
    env.registerFunction(`net.IP.${name}(): ${ret}`, (ip: IP) => {
      chargeCost(1);
      return fn(ip);
    });
  accessor('family', 'int', (ip) => (isIPv4(ip) ? 4n : 6n));
  accessor('isUnspecified', 'bool', isUnspecified);
  accessor('isLoopback', 'bool', isLoopback);
  accessor('isLinkLocalMulticast', 'bool', isLinkLocalMulticast);
  accessor('isLinkLocalUnicast', 'bool', isLinkLocalUnicast);
  accessor('isGlobalUnicast', 'bool', isGlobalUnicast);
}
