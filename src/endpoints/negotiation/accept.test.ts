import { describe, expect, it } from 'vitest';
import { negotiateOutput } from './accept.js';

describe('negotiateOutput', () => {
  it.each([
    [undefined, 'json'],
    ['application/json', 'json'],
    ['*/*', 'json'],
    ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', 'table'],
    ['application/json;as=Table;v=v1beta1;g=meta.k8s.io', 'table'],
    ['application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json', 'PartialObjectMetadataList'],
    [
      'application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json',
      'PartialObjectMetadata',
    ],
    ['application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1,application/json', 'json'],
    ['application/json;as=Unknown;g=meta.k8s.io;v=v1,application/json', 'json'],
    ['application/vnd.kubernetes.protobuf,application/json', 'json'],
    ['application/yaml', 'yaml'],
  ])('%s -> %s', (accept, want) => {
    expect(negotiateOutput(accept)).toBe(want);
  });

  it('answers 406 when nothing acceptable is offered', () => {
    expect(() => negotiateOutput('application/vnd.kubernetes.protobuf')).toThrow(
      expect.objectContaining({
        status: expect.objectContaining({ code: 406, reason: 'NotAcceptable' }),
      }),
    );
  });
});
