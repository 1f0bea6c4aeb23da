import { describe, expect, it } from 'vitest';
import { metered } from './cost.js';
import { kubernetesEnvironment } from './environment.js';

const evaluate = (expr: string): unknown => kubernetesEnvironment().parse(expr)({});

// Modelled on k8s.io/apiserver/pkg/cel/library/quantity_test.go, plus apimachinery's parsing rules.
describe('quantity library', () => {
  it.each([
    ['quantity("200M") == quantity("200M")', true],
    ['quantity("200M") == quantity("0.2G") && quantity("0.2G") == quantity("200M")', true],
    ['quantity("2M") == quantity("0.002G") && quantity("2000k") == quantity("2M") && quantity("0.002G") == quantity("2000k")', true],
    ['quantity("200M") == quantity("0.3G")', false],
    ['quantity("200M") != quantity("0.3G")', true],
    ['quantity("1Ki") == quantity("1024")', true],
    ['quantity("1e3") == quantity("1k") && quantity("1E3") == quantity("1k")', true],
    ['quantity("1E") == quantity("1000P")', true],
    ['quantity("1000m") == quantity("1")', true],
    ['quantity("-1.5") == quantity("-1500m")', true],
    ['quantity("+1.5") == quantity("1500m")', true],
    ['quantity("1n") == quantity("0.000000001")', true],
    // Precision below nano is rounded up (away from zero).
    ['quantity("0.0000000001") == quantity("1n")', true],
    ['quantity("-0.0000000001") == quantity("-1n")', true],
    ['quantity("1.") == quantity("1") && quantity(".5") == quantity("500m")', true],
    ['quantity("-") == quantity("0") && quantity("+") == quantity("0") && quantity("00") == quantity("0")', true],
    ['quantity("20Ei") == quantity("9223372036854775807")', true],
    ['quantity("50M").isLessThan(quantity("50Mi"))', true],
    ['quantity("50M").isLessThan(quantity("100M"))', true],
    ['quantity("100M").isLessThan(quantity("50M"))', false],
    ['quantity("50Mi").isGreaterThan(quantity("50M"))', true],
    ['quantity("150Mi").isGreaterThan(quantity("100Mi"))', true],
    ['quantity("50M").isGreaterThan(quantity("100M"))', false],
    ['quantity("-1").isLessThan(quantity("1m"))', true],
    ['quantity("-2").isLessThan(quantity("-1"))', true],
    ['quantity("1e100000000").isGreaterThan(quantity("9999999999999999999999999999999999999G"))', true],
    ['quantity("200M").compareTo(quantity("0.2G"))', 0n],
    ['quantity("50M").compareTo(quantity("50Mi"))', -1n],
    ['quantity("50Mi").compareTo(quantity("50M"))', 1n],
    ['quantity("50k").add(quantity("20")) == quantity("50.02k")', true],
    ['quantity("50k").add(20).isLessThan(quantity("50020"))', false],
    ['quantity("50k").sub(quantity("20")) == quantity("49.98k")', true],
    ['quantity("50k").sub(20) == quantity("49980")', true],
    // Upstream errors when the result of add or sub is on the right of ==; here equality is symmetric.
    ['quantity("49980") == quantity("50k").sub(20)', true],
    ['quantity("50k").add(20).sub(quantity("100k")).asInteger()', -49980n],
    ['quantity("50k").add(20).sub(quantity("100k")).sub(-50000).asInteger()', 20n],
    ['quantity("50k").asInteger()', 50000n],
    ['quantity("9999999999999999999999999999999999999G").isInteger()', false],
    ['quantity("50").isInteger()', true],
    ['quantity("1Ti").isInteger()', true],
    // An int64 amount at a negative scale, or a decimal, is no integer in Go even when its value is.
    ['quantity("1000m").isInteger()', false],
    ['quantity("1.0").isInteger()', false],
    ['quantity("1Pi").isInteger()', false],
    ['quantity("922337203685477580").asInteger()', 922337203685477580n],
    ['quantity("999999999999999999").add(quantity("9E")) == quantity("9999999999999999999")', true],
    ['quantity("999999999999999999").add(quantity("9E")).isInteger()', false],
    ['quantity("999999999999999999").add(quantity("8E")).isInteger()', true],
    ['quantity("50.703k").asApproximateFloat()', 50703],
    ['quantity("1.5Gi").asApproximateFloat()', 1610612736],
    ['quantity("-1m").asApproximateFloat()', -0.001],
    ['[quantity("9999999999999999999999999999999999999")].all(x, x.add(quantity("1")).compareTo(x.add(quantity("2"))) == -1)', true],
    ['sign(quantity("-5m"))', -1n],
    ['sign(quantity("0Ki"))', 0n],
    ['sign(quantity("5"))', 1n],
    ['isQuantity("20")', true],
    ['isQuantity("20M")', true],
    ['isQuantity("20Mi")', true],
    ['isQuantity("1e-3")', true],
    ['isQuantity("20Mo")', false],
    ['isQuantity("10Mm")', false],
    ['isQuantity("")', false],
    ['isQuantity("1.5.5")', false],
    ['isQuantity(" 1")', false],
    ['isQuantity("1e")', false],
    ['isQuantity("0x10")', false],
    ['sets.contains([quantity("1k")], [quantity("1000")])', true],
  ])('%s is %s', (expr, want) => {
    expect(evaluate(expr)).toBe(want);
  });

  it.each([
    ['quantity("10Mo")', /^quantities must match the regular expression '\^\(\[\+-\]\?\[0-9\.\]\+\)/],
    ['quantity("10Mm")', "unable to parse quantity's suffix"],
    ['quantity("1Ki5")', "unable to parse quantity's suffix"],
    ['quantity("9999999999999999999999999999999999999G").asInteger()', 'cannot convert value to integer'],
    ['quantity("1000m").asInteger()', 'cannot convert value to integer'],
    // Nineteen digits leave Go's int64 fast path, so the quantity is a decimal.
    ['quantity("9223372036854775807").asInteger()', 'cannot convert value to integer'],
    ['quantity("1") == 1', /no such overload/],
  ])('%s fails', (expr, message) => {
    expect(() => evaluate(expr)).toThrow(message);
  });

  it('charges parsing by the length of the string', () => {
    const short = metered(Number.POSITIVE_INFINITY, () => evaluate('quantity("1")')).cost;
    const long = metered(Number.POSITIVE_INFINITY, () => evaluate(`quantity("${'1'.repeat(100)}")`)).cost;
    expect(long - short).toBe(9);
  });
});
