/** The warnings apiextensions-apiserver's strategy gives for finalizer names a custom resource adds. */
import { describe, expect, it } from 'vitest';
import { finalizerWarnings } from './finalizers.js';

describe('finalizerWarnings (validateKubeFinalizerName)', () => {
  it.each<[string, string[], string[], string[]]>([
    ['domain-qualified with a path: none', ['example.com/f'], [], []],
    ['the standard finalizers: none', ['orphan', 'foregroundDeletion', 'kubernetes'], [], []],
    [
      'no domain',
      ['f'],
      [],
      ['metadata.finalizers: "f": prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers'],
    ],
    [
      'a domain without a path',
      ['example.com'],
      [],
      [
        'metadata.finalizers: "example.com": prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers',
      ],
    ],
    [
      'only the finalizers added, sorted',
      ['z', 'a', 'old'],
      ['old'],
      [
        'metadata.finalizers: "a": prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers',
        'metadata.finalizers: "z": prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers',
      ],
    ],
    [
      'format problems too',
      ['a/b/c'],
      [],
      [
        "metadata.finalizers: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    ],
  ])('%s', (_name, finalizers, old, want) => {
    expect(finalizerWarnings(finalizers, old)).toEqual(want);
  });
});
