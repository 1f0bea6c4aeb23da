import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldSelectorMatcher, parseFieldSelector } from './fields.js';
import { matches, parseLabelSelector } from './labels.js';

const labels = { app: 'web', tier: 'front', version: '3' };

describe('label selectors', () => {
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (web,db)', true],
    ['app in (db)', false],
    ['app notin (db, cache)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=web,tier=front', true],
    ['app=web, tier=back', false],
    ['version>2', true],
    ['version<3', false],
    ['app=web,!missing,tier in (front)', true],
    ['', true],
  ])('%j matches: %s', (sel, want) => {
    expect(matches(parseLabelSelector(sel), labels)).toBe(want);
  });

  it.each(['app=', 'app in web', 'app in ()', '=web', 'app=web,', 'app in (a', 'app=w@b', 'x/y/z=1', 'app>x'])(
    'rejects %j with 400',
    (sel) => {
      if (sel === 'app=') {
        expect(matches(parseLabelSelector(sel), { app: '' })).toBe(true);
        return;
      }
      expect(() => parseLabelSelector(sel)).toThrow(expect.objectContaining({ status: expect.objectContaining({ code: 400 }) }));
    },
  );

  it('never throws anything but a 400 Status on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseLabelSelector(s);
        } catch (err) {
          expect((err as { status?: { code?: number } }).status?.code).toBe(400);
        }
      }),
    );
  });
});

describe('field selectors', () => {
  const supported = (f: string) => ['metadata.name', 'metadata.namespace', 'spec.color'].includes(f);
  it('parses terms with escapes, and matches metadata and selectable fields', () => {
    const sel = parseFieldSelector('metadata.name=a\\,b,spec.color!=red', supported);
    expect(sel).toEqual([
      { field: 'metadata.name', operator: '=', value: 'a,b' },
      { field: 'spec.color', operator: '!=', value: 'red' },
    ]);
    const match = fieldSelectorMatcher(sel);
    const obj = (color: string) => ({ apiVersion: 'g/v1', kind: 'W', metadata: { name: 'a,b' }, spec: { color } });
    expect([match(obj('blue')), match(obj('red'))]).toEqual([true, false]);
  });
  it('refuses unknown fields and bad terms with 400', () => {
    expect(() => parseFieldSelector('spec.size=1', supported)).toThrow('field label not supported: spec.size');
    expect(() => parseFieldSelector('metadata.name', supported)).toThrow(/can't understand/);
  });
});
