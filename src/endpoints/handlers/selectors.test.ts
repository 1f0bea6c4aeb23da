import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../apimachinery/types.js';
import { mayMatch } from '../../storage/interfaces.js';
import { matches, parseLabelSelector } from '../selectors/labels.js';
import { requiredLabelText } from './selectors.js';

describe('the text a label selector requires of an object it accepts', () => {
  const object = (labels?: Record<string, string>): KubeObject => ({
    apiVersion: 'wardle.example.com/v1alpha1',
    kind: 'Flunder',
    metadata: { name: 'n', namespace: 'ns', ...(labels ? { labels } : {}), annotations: { note: 'x' } },
    spec: { reference: 'app' },
  });
  const labelSets: (Record<string, string> | undefined)[] = [
    undefined,
    {},
    { app: 'web' },
    { app: 'db' },
    { 'example.com/tier': 'front', app: 'web' },
    { tier: 'app' },
  ];
  const selectors = [
    'app=web',
    'app==web',
    'app in (web)',
    'app in (web,db)',
    'app',
    '!app',
    'app!=web',
    'app notin (web)',
    'example.com/tier=front,app',
    'note',
  ];

  it('never rules out an object the selector accepts: checked over every pair', () => {
    for (const text of selectors) {
      const selector = parseLabelSelector(text);
      const predicate = Object.assign((o: KubeObject) => matches(selector, o.metadata.labels), {
        requiredText: requiredLabelText(selector),
      });
      for (const labels of labelSets) {
        const o = object(labels);
        if (predicate(o)) expect(mayMatch(predicate, JSON.stringify(o)), `${text} on ${JSON.stringify(labels)}`).toBe(true);
      }
    }
  });

  it('asks for the key and value of an equality, the key of a set or an existence, nothing of a negation', () => {
    expect(requiredLabelText(parseLabelSelector('app=web'))).toEqual(['"app":"web"']);
    expect(requiredLabelText(parseLabelSelector('app in (web)'))).toEqual(['"app":"web"']);
    expect(requiredLabelText(parseLabelSelector('app in (web,db),example.com/tier'))).toEqual(['"app":', '"example.com/tier":']);
    expect(requiredLabelText(parseLabelSelector('!app,app!=web,app notin (db)'))).toEqual([]);
    // A label elsewhere in the text (an annotation, the spec) lets it through to the parse, which decides.
    expect(
      mayMatch(
        Object.assign(() => false, { requiredText: ['"note":'] }),
        JSON.stringify(object()),
      ),
    ).toBe(true);
    expect(
      mayMatch(
        Object.assign(() => false, { requiredText: ['"app":"web"'] }),
        JSON.stringify(object({ app: 'db' })),
      ),
    ).toBe(false);
  });
});
