import { describe, expect, it } from 'vitest';
import { metered } from './cost.js';
import { kubernetesEnvironment } from './environment.js';

const evaluate = (expr: string): unknown => kubernetesEnvironment().parse(expr)({});
const parseError = (s: string, reason: string): string =>
  `network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("${s}"): ${reason}`;

// Modelled on k8s.io/apiserver/pkg/cel/library/cidr_test.go, with Go's netip.ParsePrefix cases; the
// expected values were checked against the Go library.
describe('CIDR library', () => {
  it.each([
    ['string(cidr("192.168.0.0/24"))', '192.168.0.0/24'],
    ['string(cidr("192.168.0.1/24"))', '192.168.0.1/24'],
    ['string(cidr("2001:DB8:1::/32"))', '2001:db8:1::/32'],
    ['string(cidr("::1.2.3.4/128"))', '::102:304/128'],
    ['isCIDR("192.168.0.0/24")', true],
    ['isCIDR("192.168.0.0/0")', true],
    ['isCIDR("2001:db8::/128")', true],
    ['isCIDR("192.168.0.0/33")', false],
    ['isCIDR("2001:db8::/129")', false],
    ['isCIDR("192.168.0.0")', false],
    ['isCIDR("192.168.0.0/08")', false],
    ['isCIDR("fe80::1%eth0/64")', false],
    ['isCIDR("::ffff:1.2.3.4/120")', false],
    ['cidr("192.168.0.0/24").containsIP(ip("192.168.0.1"))', true],
    ['cidr("192.168.0.0/24").containsIP(ip("192.168.1.1"))', false],
    ['cidr("192.168.0.0/24").containsIP("192.168.0.1")', true],
    ['cidr("192.168.0.0/24").containsIP("192.168.1.1")', false],
    ['cidr("192.168.0.1/24").containsIP("192.168.0.200")', true],
    ['cidr("10.255.255.255/9").containsIP("10.128.0.0")', true],
    ['cidr("10.255.255.255/9").containsIP("10.127.0.0")', false],
    ['cidr("0.0.0.0/0").containsIP("1.2.3.4")', true],
    ['cidr("0.0.0.0/0").containsIP("::1")', false],
    ['cidr("::/0").containsIP("1.2.3.4")', false],
    ['cidr("2001:db8::/32").containsIP(ip("2001:db8::1"))', true],
    ['cidr("2001:db8::/32").containsIP(ip("2001:dc8::1"))', false],
    ['cidr("2001:db8::/32").containsIP("2001:db8::1")', true],
    ['cidr("2001:db8::/32").containsIP("2001:dc8::1")', false],
    ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/25"))', true],
    ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.1/32"))', true],
    ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.1/24"))', true],
    ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/23"))', false],
    ['cidr("192.168.0.0/24").containsCIDR(cidr("192.169.0.1/32"))', false],
    ['cidr("192.168.0.0/24").containsCIDR("192.168.0.0/25")', true],
    ['cidr("192.168.0.0/24").containsCIDR("192.168.0.0/23")', false],
    ['cidr("0.0.0.0/0").containsCIDR("::/0")', false],
    ['cidr("2001:db8::/32").containsCIDR(cidr("2001:db8::/33"))', true],
    ['cidr("2001:db8::/32").containsCIDR(cidr("2001:db8::/31"))', false],
    ['cidr("2001:db8::/32").containsCIDR("2001:db8::/33")', true],
    ['cidr("2001:db8::/32").containsCIDR("2001:db8::/31")', false],
    ['string(cidr("192.168.0.0/24").ip())', '192.168.0.0'],
    ['string(cidr("192.168.0.1/24").ip())', '192.168.0.1'],
    ['cidr("192.168.0.1/24").ip().family()', 4n],
    ['string(cidr("::1/128").ip())', '::1'],
    ['string(cidr("192.168.0.0/24").masked())', '192.168.0.0/24'],
    ['string(cidr("192.168.0.1/24").masked())', '192.168.0.0/24'],
    ['string(cidr("10.255.255.255/9").masked())', '10.128.0.0/9'],
    ['string(cidr("2001:db8:1::/32").masked())', '2001:db8::/32'],
    ['string(cidr("1.2.3.4/0").masked())', '0.0.0.0/0'],
    ['cidr("192.168.0.0/24").prefixLength()', 24n],
    ['cidr("2001:db8::/32").prefixLength()', 32n],
    ['cidr("192.168.0.0/24") == cidr("192.168.0.0/24").masked()', true],
    ['cidr("192.168.0.1/24") == cidr("192.168.0.1/24").masked()', false],
    ['cidr("192.168.0.0/24") == cidr("192.168.0.0/25")', false],
    ['cidr("192.168.0.0/24") in [cidr("192.168.0.1/24").masked()]', true],
  ])('%s is %s', (expr, want) => {
    expect(evaluate(expr)).toEqual(want);
  });

  it.each([
    ['cidr("192.168.0.0/")', parseError('192.168.0.0/', 'bad bits after slash: ""')],
    ['cidr("2001:db8::/")', parseError('2001:db8::/', 'bad bits after slash: ""')],
    ['cidr("192.168.0.0")', parseError('192.168.0.0', "no '/'")],
    ['cidr("192.168.0.0/33")', parseError('192.168.0.0/33', 'prefix length out of range')],
    ['cidr("2001:db8::/129")', parseError('2001:db8::/129', 'prefix length out of range')],
    ['cidr("192.168.0.0/01")', parseError('192.168.0.0/01', 'bad bits after slash: "01"')],
    ['cidr("192.168.0.0/+8")', parseError('192.168.0.0/+8', 'bad bits after slash: "+8"')],
    ['cidr("192.168.0.0/9223372036854775807")', parseError('192.168.0.0/9223372036854775807', 'prefix length out of range')],
    [
      'cidr("192.168.0.0/9223372036854775808")',
      parseError('192.168.0.0/9223372036854775808', 'bad bits after slash: "9223372036854775808"'),
    ],
    ['cidr("1.2.3.4/8/8")', parseError('1.2.3.4/8/8', 'ParseAddr("1.2.3.4/8"): unexpected character (at "/8")')],
    ['cidr("01.2.3.4/8")', parseError('01.2.3.4/8', 'ParseAddr("01.2.3.4"): IPv4 field has octet with leading zero')],
    ['cidr("fe80::1%eth0/64")', parseError('fe80::1%eth0/64', 'IPv6 zones cannot be present in a prefix')],
    [
      'cidr("::ffff:1.2.3.4/120")',
      'network address parse error during conversion from string: IPv4-mapped IPv6 address "::ffff:1.2.3.4/120" is not allowed',
    ],
    ['cidr("10.0.0.0/8").containsCIDR("10.0.0.0")', parseError('10.0.0.0', "no '/'")],
    // Upstream passes the failed parse on to the IP overload, which reports only that it does not apply.
    ['cidr("10.0.0.0/8").containsIP("10.0.0.256")', 'no such overload'],
  ])('%s fails', (expr, message) => {
    expect(() => evaluate(expr)).toThrow(message);
  });

  it.each([
    ['isCIDR(cidr("192.168.0.0/24"))', "found no matching overload for 'isCIDR(net.CIDR)'"],
    ['isIP(cidr("192.168.0.0/24"))', "found no matching overload for 'isIP(net.CIDR)'"],
    ['cidr("192.168.0.0/24").containsIP(cidr("192.168.0.0/24"))', 'found no matching overload'],
  ])('%s does not type-check', (expr, message) => {
    expect(kubernetesEnvironment().check(expr).error?.message).toContain(message);
  });

  it.each([
    // Parsing costs a tenth of the string's length; comparing, a fifth of the prefix length in bytes (not the
    // address's); containing a CIDR masks first (a tenth more, plus one); accessors cost 1.
    ['cidr("192.168.0.0/24")', 2],
    ['cidr("192.168.0.0/24").containsIP(ip("192.168.0.1"))', 2 + 2 + 1],
    ['cidr("192.168.0.0/24").containsIP("192.168.0.1")', 2 + 1 + 2],
    ['cidr("2001:db8::/128").containsIP(ip("2001:db8::1"))', 2 + 2 + 4],
    ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/25"))', 2 + 2 + 1 + 2],
    ['cidr("192.168.0.0/24").containsCIDR("192.168.0.0/25")', 2 + 1 + 2 + 2],
    ['cidr("::/0").containsCIDR(cidr("::/0"))', 1 + 1 + 0 + 1],
    ['cidr("192.168.0.0/24").masked()', 2 + 1],
  ])('%s costs %d', (expr, cost) => {
    expect(metered(Number.POSITIVE_INFINITY, () => evaluate(expr)).cost).toBe(cost);
  });
});
