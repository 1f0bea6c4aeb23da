import { describe, expect, it } from 'vitest';
import { decodeFieldsV1, encodeFieldsV1 } from './fields-v1.js';
import { stripMetaFields } from './strip-meta.js';

const strip = (fieldsV1: string) => encodeFieldsV1(stripMetaFields(decodeFieldsV1(fieldsV1)));

describe('stripMetaFields (stripmeta.go)', () => {
  const table: [string, string, string][] = [
    ['type meta', '{"f:apiVersion":{},"f:kind":{},"f:spec":{"f:a":{}}}', '{"f:spec":{"f:a":{}}}'],
    [
      'identity and server-set metadata',
      '{"f:metadata":{"f:creationTimestamp":{},"f:generation":{},"f:managedFields":{},"f:name":{},"f:namespace":{},"f:resourceVersion":{},"f:selfLink":{},"f:uid":{},"f:clusterName":{}}}',
      '{}',
    ],
    [
      'metadata itself, but not what lies below it',
      '{"f:metadata":{".":{},"f:generateName":{},"f:labels":{".":{},"f:app":{}},"f:name":{}}}',
      '{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{}}}}',
    ],
    ['nothing else', '{"f:spec":{"f:name":{},"f:kind":{}}}', '{"f:spec":{"f:kind":{},"f:name":{}}}'],
  ];
  it.each(table)('strips %s', (_name, input, expected) => {
    expect(strip(input)).toBe(expected);
  });

  it('leaves an empty set when a manager owned only stripped fields', () => {
    expect(stripMetaFields(decodeFieldsV1('{"f:metadata":{"f:name":{}}}')).empty()).toBe(true);
  });
});
