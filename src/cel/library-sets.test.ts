import { describe, expect, it } from 'vitest';
import { kubernetesEnvironment } from './environment.js';

const evaluate = (expr: string): unknown => kubernetesEnvironment().parse(expr)({});

// Modelled on cel-go's ext/sets_test.go.
describe('sets library', () => {
  it.each([
    ['sets.contains([], [])', true],
    ['sets.contains([1], [])', true],
    ['sets.contains([1], [1])', true],
    ['sets.contains([1], [1, 1])', true],
    ['sets.contains([1, 1], [1])', true],
    ['sets.contains([2, 1], [1])', true],
    ['sets.contains([1, 2, 3, 4], [2, 3])', true],
    ['sets.contains([1], [1.0, 1])', true],
    ['sets.contains([[1], [2, 3]], [[2, 3.0]])', true],
    ["sets.contains([{'a': 1}], [{'a': 1.0}])", true],
    ['sets.contains([], [1])', false],
    ['sets.contains([1], [2])', false],
    ['sets.contains([1], [1, 2])', false],
    ['sets.contains([1], ["1", 1])', false],
    ['sets.contains([1], [1.1, 1])', false],
    ['sets.equivalent([], [])', true],
    ['sets.equivalent([1], [1, 1])', true],
    ['sets.equivalent([1, 2, 3], [3, 2.0, 1])', true],
    ['sets.equivalent([[1.0], [2, 3]], [[1], [2, 3.0]])', true],
    ['sets.equivalent([2, 1], [1])', false],
    ['sets.equivalent([1], [1, 2, 3])', false],
    ['sets.intersects([1], [1])', true],
    ['sets.intersects([1], [1, 1])', true],
    ['sets.intersects([2, 1], [1])', true],
    ['sets.intersects([1], [1.0, 2])', true],
    ["sets.intersects([{'a': 1}], [{'a': 1.0}])", true],
    ['sets.intersects([], [])', false],
    ['sets.intersects([1], [])', false],
    ['sets.intersects([1], [2])', false],
    ['sets.intersects([1], ["1", 2])', false],
  ])('%s is %s', (expr, want) => {
    expect(evaluate(expr)).toBe(want);
  });
});
