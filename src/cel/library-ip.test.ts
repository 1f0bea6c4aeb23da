import { describe, expect, it } from 'vitest';
import { metered } from './cost.js';
import { kubernetesEnvironment } from './environment.js';

const evaluate = (expr: string): unknown => kubernetesEnvironment().parse(expr)({});
const parseError = (s: string, reason: string): string =>
  `IP Address "${s}" parse error during conversion from string: ParseAddr("${s}"): ${reason}`;

// Modelled on k8s.io/apiserver/pkg/cel/library/ip_test.go, with Go's netip.ParseAddr cases; the expected
// values were checked against the Go library.
describe('IP library', () => {
  it.each([
    ['string(ip("192.168.0.1"))', '192.168.0.1'],
    ['string(ip("2001:db8::68"))', '2001:db8::68'],
    ['string(ip("2001:DB8:0:0:0:0:0:68"))', '2001:db8::68'],
    ['string(ip("2001:0:0:1:0:0:0:1"))', '2001:0:0:1::1'],
    ['string(ip("1:0:1:0:1:0:1:0"))', '1:0:1:0:1:0:1:0'],
    ['string(ip("1:2:3:4:5:6:7::"))', '1:2:3:4:5:6:7:0'],
    ['string(ip("::1.2.3.4"))', '::102:304'],
    ['string(ip("::"))', '::'],
    ['isIP("192.168.0.1")', true],
    ['isIP("192.168.0.1.0")', false],
    ['isIP("2001:db8::68")', true],
    ['isIP("2001:db8:::68")', false],
    ['isIP("1:2:3:4:5:6:1.2.3.4")', true],
    ['isIP("::ffff:1.2.3.4")', false],
    ['isIP("fe80::1%eth0")', false],
    ['isIP("01.2.3.4")', false],
    ['isIP("")', false],
    ['ip.isCanonical("127.0.0.1")', true],
    ['ip.isCanonical("2001:db8::68")', true],
    ['ip.isCanonical("2001:DB8::68")', false],
    ['ip.isCanonical("2001:db8::0:0:0:abcd")', false],
    ['ip.isCanonical("::1.2.3.4")', false],
    ['ip("192.168.0.1").family()', 4n],
    ['ip("2001:db8::68").family()', 6n],
    ['ip("0.0.0.0").isUnspecified()', true],
    ['ip("127.0.0.1").isUnspecified()', false],
    ['ip("::").isUnspecified()', true],
    ['ip("::1").isUnspecified()', false],
    ['ip("127.0.0.1").isLoopback()', true],
    ['ip("1.2.3.4").isLoopback()', false],
    ['ip("::1").isLoopback()', true],
    ['ip("2001:db8::abcd").isLoopback()', false],
    ['ip("224.0.0.1").isLinkLocalMulticast()', true],
    ['ip("224.0.1.1").isLinkLocalMulticast()', false],
    ['ip("ff02::1").isLinkLocalMulticast()', true],
    ['ip("ff12::1").isLinkLocalMulticast()', true],
    ['ip("ff01::1").isLinkLocalMulticast()', false],
    ['ip("fd00::1").isLinkLocalMulticast()', false],
    ['ip("169.254.169.254").isLinkLocalUnicast()', true],
    ['ip("192.168.0.1").isLinkLocalUnicast()', false],
    ['ip("fe80::1").isLinkLocalUnicast()', true],
    ['ip("febf::1").isLinkLocalUnicast()', true],
    ['ip("fec0::1").isLinkLocalUnicast()', false],
    ['ip("fd80::1").isLinkLocalUnicast()', false],
    ['ip("192.168.0.1").isGlobalUnicast()', true],
    ['ip("255.255.255.255").isGlobalUnicast()', false],
    ['ip("0.0.0.0").isGlobalUnicast()', false],
    ['ip("239.1.1.1").isGlobalUnicast()', false],
    ['ip("2001:db8::abcd").isGlobalUnicast()', true],
    ['ip("ff00::1").isGlobalUnicast()', false],
    ['ip("fe80::1").isGlobalUnicast()', false],
    ['ip("::1").isGlobalUnicast()', false],
    ['ip("192.168.0.1") == ip("192.168.0.1")', true],
    ['ip("::1") == ip("0:0::1")', true],
    ['ip("::1") == ip("::2")', false],
    ['ip("0.0.0.0") == ip("::")', false],
    ['ip("::1") in [ip("::2"), ip("0::1")]', true],
  ])('%s is %s', (expr, want) => {
    expect(evaluate(expr)).toEqual(want);
  });

  it.each([
    ['ip("192.168.0.1.0")', parseError('192.168.0.1.0', 'IPv4 address too long')],
    ['ip.isCanonical("127.0.0.1.0")', parseError('127.0.0.1.0', 'IPv4 address too long')],
    ['ip("2001:db8:::68")', parseError('2001:db8:::68', 'each colon-separated field must have at least one digit (at ":68")')],
    ['ip.isCanonical("2001:db8:::68")', parseError('2001:db8:::68', 'each colon-separated field must have at least one digit (at ":68")')],
    ['ip("256.1.1.1")', parseError('256.1.1.1', 'IPv4 field has value >255')],
    ['ip("01.2.3.4")', parseError('01.2.3.4', 'IPv4 field has octet with leading zero')],
    ['ip("1.2.3")', parseError('1.2.3', 'IPv4 address too short')],
    ['ip("1..2.3")', parseError('1..2.3', 'IPv4 field must have at least one digit (at ".2.3")')],
    ['ip("1.2.3.4%eth0")', parseError('1.2.3.4%eth0', 'unexpected character (at "%eth0")')],
    ['ip("%eth0")', parseError('%eth0', 'missing IPv6 address')],
    ['ip("")', parseError('', 'unable to parse IP')],
    ['ip("::1%")', parseError('::1%', 'zone must be a non-empty string')],
    ['ip("12345::")', parseError('12345::', 'each group must have 4 or less digits (at "12345::")')],
    ['ip("1:")', parseError('1:', 'colon must be followed by more characters (at ":")')],
    ['ip("1::2::3")', parseError('1::2::3', 'multiple :: in address (at ":3")')],
    ['ip("1:2:3:4:5:6:7")', parseError('1:2:3:4:5:6:7', 'address string too short')],
    ['ip("1:2:3:4:5:6:7:8:9")', parseError('1:2:3:4:5:6:7:8:9', 'trailing garbage after address (at "9")')],
    ['ip("1:2:3:4:5:6:7:8::")', parseError('1:2:3:4:5:6:7:8::', 'the :: must expand to at least one field of zeros')],
    ['ip("2001:db8::1x")', parseError('2001:db8::1x', 'unexpected character, want colon (at "x")')],
    [
      'ip("1:2:3:4:5:1.2.3.4")',
      parseError('1:2:3:4:5:1.2.3.4', 'embedded IPv4 address must replace the final 2 fields of the address (at "1.2.3.4")'),
    ],
    ['ip("::1.2.3.04")', parseError('::1.2.3.04', 'IPv4 field has octet with leading zero')],
    ['ip("fe80::1%eth0")', 'IP address "fe80::1%eth0" with zone value is not allowed'],
    ['ip("::ffff:1.2.3.4")', 'IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed'],
    ['ip.isCanonical("::ffff:102:304")', 'IPv4-mapped IPv6 address "::ffff:102:304" is not allowed'],
  ])('%s fails', (expr, message) => {
    expect(() => evaluate(expr)).toThrow(message);
  });

  it.each([
    ['isIP(ip("1.2.3.4"))', "found no matching overload for 'isIP(net.IP)'"],
    ['ip("1.2.3.4").family() == "4"', 'no such overload: int == string'],
  ])('%s does not type-check', (expr, message) => {
    expect(kubernetesEnvironment().check(expr).error?.message).toContain(message);
  });

  it.each([
    ['ip("1.2.3.4")', 'net.IP'],
    ['string(ip("1.2.3.4"))', 'string'],
    ['ip("::1").family()', 'int'],
  ])('%s has type %s', (expr, type) => {
    expect(kubernetesEnvironment().check(expr).type).toBe(type);
  });

  it.each([
    // A parse is one traversal of the string (a tenth of its length, rounded up); accessors and == cost 1.
    ['ip("1.2.3.4")', 1],
    ['isIP("2001:db8::68")', 2],
    ['ip.isCanonical("2001:db8::68")', 3],
    ['ip("1.2.3.4").family()', 2],
    ['ip("::1") == ip("::1")', 3],
  ])('%s costs %d', (expr, cost) => {
    expect(metered(Number.POSITIVE_INFINITY, () => evaluate(expr)).cost).toBe(cost);
  });
});
