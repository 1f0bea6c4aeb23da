/** The sample-apiserver's Flunder rules: conversion both ways, v1alpha1 defaulting, and validation wording. */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../apimachinery/types.js';
import { flunderConversion, flunderStrategy } from './index.js';

const group = 'wardle.example.com';
const convert = flunderConversion(group, (obj, to) => ({ ...obj, apiVersion: `${group}/${to}` }));
const strategy = flunderStrategy(group);
const flunder = (version: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: `${group}/${version}`,
  kind: 'Flunder',
  metadata: { name: 'f' },
  spec,
});

describe('Flunder conversion', () => {
  it.each([
    [
      { reference: 'a', referenceType: 'Flunder' },
      { flunderReference: 'a', referenceType: 'Flunder' },
    ],
    [
      { reference: 'b', referenceType: 'Fischer' },
      { fischerReference: 'b', referenceType: 'Fischer' },
    ],
    [{}, {}],
  ])('v1alpha1 %j <-> v1beta1 %j', (alpha, beta) => {
    const up = convert(flunder('v1alpha1', alpha), 'v1beta1');
    expect(up).toMatchObject({ apiVersion: `${group}/v1beta1`, spec: beta });
    expect(up.spec).toEqual(beta);
    expect(convert(up, 'v1alpha1').spec).toEqual(alpha);
  });

  it("is what the strategy gives the loader, over the loader's own None conversion", () => {
    const viaStrategy = strategy.conversion?.((obj, to) => ({ ...obj, apiVersion: `${group}/${to}` }));
    expect(viaStrategy?.(flunder('v1alpha1', { reference: 'a' }), 'v1beta1').spec).toEqual({ flunderReference: 'a' });
  });
});

describe('Flunder defaulting', () => {
  it.each([
    ['v1alpha1', { reference: 'a' }, { reference: 'a', referenceType: 'Flunder' }],
    ['v1alpha1', { reference: 'a', referenceType: 'Fischer' }, { reference: 'a', referenceType: 'Fischer' }],
    ['v1alpha1', {}, {}],
    // v1beta1 has no defaulting upstream.
    ['v1beta1', { flunderReference: 'a' }, { flunderReference: 'a' }],
  ])('%s %j -> %j', (version, spec, want) => {
    const obj = flunder(version, { ...spec });
    strategy.default?.(obj, version);
    expect(obj.spec).toEqual(want);
  });
});

describe('Flunder validation', () => {
  it.each([
    ['v1beta1', { flunderReference: 'a', referenceType: 'Flunder' }, []],
    ['v1beta1', { fischerReference: 'a', referenceType: 'Fischer' }, []],
    [
      'v1beta1',
      { flunderReference: 'a', fischerReference: 'b', referenceType: 'Flunder' },
      [['spec.fischerReference', 'FieldValueInvalid', 'Invalid value: "b": cannot be set with flunderReference at the same time']],
    ],
    [
      'v1beta1',
      { flunderReference: 'a' },
      [['spec.flunderReference', 'FieldValueInvalid', 'Invalid value: "a": cannot be set if referenceType is not Flunder']],
    ],
    [
      'v1beta1',
      { fischerReference: 'a', referenceType: 'Flunder' },
      [['spec.fischerReference', 'FieldValueInvalid', 'Invalid value: "a": cannot be set if referenceType is not Fischer']],
    ],
    [
      'v1beta1',
      { referenceType: 'Fischer' },
      [['spec.fischerReference', 'FieldValueInvalid', 'Invalid value: "": cannot be empty if referenceType is Fischer']],
    ],
    [
      'v1beta1',
      { referenceType: 'Flunder' },
      [['spec.flunderReference', 'FieldValueInvalid', 'Invalid value: "": cannot be empty if referenceType is Flunder']],
    ],
    [
      'v1beta1',
      { referenceType: 'Other' },
      [['spec.referenceType', 'FieldValueInvalid', 'Invalid value: "Other": must be Flunder or Fischer']],
    ],
    // v1alpha1 is validated after conversion, so its errors name the v1beta1 fields as upstream's do.
    ['v1alpha1', { reference: 'a', referenceType: 'Fischer' }, []],
    [
      'v1alpha1',
      { referenceType: 'Fischer' },
      [['spec.fischerReference', 'FieldValueInvalid', 'Invalid value: "": cannot be empty if referenceType is Fischer']],
    ],
  ])('%s %j', (version, spec, want) => {
    const errs = strategy.validate?.(flunder(version, spec), version) ?? [];
    expect(errs.map((e) => [e.field, e.type, e.message])).toEqual(want);
  });
});
