import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFieldSelector, singleObjectName } from './fields.js';
import { labelSelectorAsString, matches, parseLabelSelector } from './labels.js';

const labels = { app: 'web', tier: 'front', version: '3' };

describe('label selectors', () => {
  it.each([
    ['app=web', true], ['app==web', true], ['app!=web', false], ['app!=db', true], ['missing!=x', true],
    ['app in (web,db)', true], ['app in (db)', false], ['app notin (db, cache)', true], ['app', true], ['!app', false],
    ['!missing', true], ['app=web,tier=front', true], ['app=web, tier=back', false], ['version>2', true], ['version<3', false],
    ['app=web,!missing,tier in (front)', true], ['', true],
  ])('%j matches: %s', (sel, want) => {
    expect(matches(parseLabelSelector(sel), labels)).toBe(want);
  });

  it.each(['app=', 'app in web', 'app in ()', '=web', 'app=web,', 'app in (a', 'app=w@b', 'x/y/z=1', 'app>x'])('rejects %j with 400', (sel) => {
    if (sel === 'app=') {
      expect(matches(parseLabelSelector(sel), { app: '' })).toBe(true);
      return;
    }
    expect(() => parseLabelSelector(sel)).toThrow(expect.objectContaining({ status: expect.objectContaining({ code: 400 }) }));
  });

  it('never throws anything but a 400 Status on arbitrary input', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      try {
        parseLabelSelector(s);
      } catch (err) {
        expect((err as { status?: { code?: number } }).status?.code).toBe(400);
      }
    }));
  });

  it('prints a metav1.LabelSelector as a string', () => {
    expect(labelSelectorAsString({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'c', operator: 'In', values: ['y', 'x'] }] }))
      .toBe('a=1,b=2,c in (x,y)');
  });
});

describe('field selectors', () => {
  const supported = (f: string) => ['metadata.name', 'metadata.namespace', 'spec.color'].includes(f);
  it('parses terms with escapes and finds single-object watches', () => {
    expect(parseFieldSelector('metadata.name=a\\,b,spec.color!=red', supported)).toEqual([
      { field: 'metadata.name', operator: '=', value: 'a,b' }, { field: 'spec.color', operator: '!=', value: 'red' },
    ]);
    expect(singleObjectName(parseFieldSelector('metadata.name==x', supported))).toBe('x');
    expect(singleObjectName(parseFieldSelector('metadata.name!=x', supported))).toBeUndefined();
  });
  it('refuses unknown fields and bad terms with 400', () => {
    expect(() => parseFieldSelector('spec.size=1', supported)).toThrow('field label not supported: spec.size');
    expect(() => parseFieldSelector('metadata.name', supported)).toThrow(/can't understand/);
  });
});
