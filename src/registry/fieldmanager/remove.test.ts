import { describe, expect, it } from 'vitest';
import { makePath, valueElement, keyElement } from './path.js';
import { ensureNamedFieldsAreMembers } from './prune.js';
import { removeItems } from './remove.js';
import { atomOf } from './schema-atoms.js';
import { newSet } from './set.js';
import { pathToString } from './path.js';

const atom = atomOf(
  {
    type: 'object',
    properties: {
      a: { type: 'string' },
      m: { type: 'object', properties: { x: { type: 'string' }, y: { type: 'string' } } },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['port'],
        items: { type: 'object', properties: { port: { type: 'integer' }, name: { type: 'string' } } },
      },
    },
  },
  false,
);

describe('removeItems (TypedValue.RemoveItems)', () => {
  it('removes a member with all below it, and paths below others from inside', () => {
    const v = { a: 'x', m: { x: '1', y: '2' }, set: ['p', 'q'] };
    const s = newSet(makePath('a'), makePath('m', 'x'), makePath('set', valueElement('q')));
    expect(removeItems(v, s, atom)).toEqual({ m: { y: '2' }, set: ['p'] });
  });

  it('removes a map-list item by key, or a field inside it', () => {
    const v = {
      ports: [
        { port: 80, name: 'a' },
        { port: 443, name: 'b' },
      ],
    };
    const s = newSet(makePath('ports', keyElement({ port: 80 })), makePath('ports', keyElement({ port: 443 }), 'name'));
    expect(removeItems(v, s, atom)).toEqual({ ports: [{ port: 443 }] });
  });

  it('an emptied map becomes null, as upstream', () => {
    expect(removeItems({ a: 'x', m: { x: '1' } }, newSet(makePath('m', 'x')), atom)).toEqual({ a: 'x', m: null });
  });
});

describe('ensureNamedFieldsAreMembers', () => {
  it('adds declared fields with owned paths below them, not map keys or list items', () => {
    const s = newSet(makePath('m', 'x'), makePath('labels', 'k'), makePath('ports', keyElement({ port: 80 }), 'name'));
    expect([...ensureNamedFieldsAreMembers(s, atom).paths()].map(pathToString)).toEqual([
      '.labels',
      '.m',
      '.ports',
      '.labels.k',
      '.m.x',
      '.ports[port=80].name',
    ]);
  });
});
