/**
 * What a CRD's schema declares beyond types, on the Widget CRD against kube-apiserver: uniqueness in set
 * and map lists (`Duplicate value` at the repeated index) and string formats, on create and on update.
 */
import type { Context, Obj, RequestSpec } from './runner.js';
import { widgets } from './subjects.js';

export function validationRequests(): RequestSpec[] {
  const coll = `/apis/shop.example.com/v1/namespaces/${widgets.namespace}/widgets`;
  let n = 0;
  const widget = (spec: Obj): Obj => ({
    apiVersion: 'shop.example.com/v1',
    kind: 'Widget',
    metadata: { name: `valid-${n++}` },
    spec: { color: 'red', ...spec },
  });
  const create = (name: string, spec: Obj): Omit<RequestSpec, 'topic'> => ({ name, method: 'POST', path: coll, body: widget(spec) });
  const goodFormats = {
    when: '2026-11-30T10:00:00Z',
    day: '2026-11-30',
    blob: 'aGVsbG8=',
    id: '7d444840-9dc0-11d1-b245-5ffdce74fad2',
    ip: '10.0.0.1',
    ip6: 'fd00::1',
    net: '10.0.0.0/8',
    mail: 'a@example.com',
    host: 'example.com',
    mac: '00:1a:2b:3c:4d:5e',
    wait: '5m',
    link: 'https://example.com/x',
    small: 7,
  };
  const badFormats: [string, unknown][] = [
    ['when', '30 November'],
    ['day', '2026-02-30'],
    ['blob', 'not base64!'],
    ['id', 'not-a-uuid'],
    ['ip', '10.0.0.300'],
    ['ip6', '10.0.0.1'],
    ['net', '10.0.0.0'],
    ['mail', 'nobody'],
    ['host', 'bad_host!'],
    ['mac', '00:1a:2b'],
    ['wait', 'soon'],
    ['link', 'no scheme'],
    ['small', 4294967296],
  ];
  const rs: Omit<RequestSpec, 'topic'>[] = [
    create('set list without repeats', { tags: ['a', 'b'] }),
    create('set list with a repeat', { tags: ['a', 'b', 'a', 'a', 'b'] }),
    create('map list with a repeated key', { ports: [{ port: 80 }, { port: 80, protocol: 'UDP' }, { port: 80, protocol: 'TCP' }] }),
    create('map list item without its keys', { ports: [{ name: 'x' }, { name: 'y' }] }),
    create('set list of numbers', { settings: {}, tags: ['1', '1'] }),
    create('every format met', { formats: goodFormats }),
    ...badFormats.map(([field, value]) => create(`format ${field} not met`, { formats: { [field]: value } })),
    // x-kubernetes-validations: rules on scalars, objects and map-list items, transition rules on update.
    create('rules met', { level: 5, mode: 'fast', limits: [{ name: 'cpu', max: 2 }], tags: ['short'] }),
    create('rule on spec with a fieldPath', { level: 101 }),
    create('rule with a messageExpression and a reason', { mode: 'forbidden' }),
    create('rule on a map-list item', { limits: [{ name: 'cpu', max: 0 }] }),
    create('rule with a macro', { tags: ['much-too-long-tag'] }),
    create('rule skipped for a blocking error', { level: 101, mode: 7 }),
    {
      name: 'transition rule on a scalar',
      method: 'PUT',
      path: (c: Context) => `${coll}/${c.json('rules met').metadata?.name}`,
      body: (c: Context) => ({ ...c.json('rules met'), spec: { ...c.json('rules met').spec, level: 4 } }),
    },
    {
      name: 'transition rule on a map-list item',
      method: 'PUT',
      path: (c: Context) => `${coll}/${c.json('rules met').metadata?.name}`,
      body: (c: Context) => ({ ...c.json('rules met'), spec: { ...c.json('rules met').spec, limits: [{ name: 'cpu', max: 1 }] } }),
    },
    {
      name: 'transition rules met',
      method: 'PUT',
      path: (c: Context) => `${coll}/${c.json('rules met').metadata?.name}`,
      body: (c: Context) => ({
        ...c.json('rules met'),
        spec: {
          ...c.json('rules met').spec,
          level: 6,
          limits: [
            { name: 'cpu', max: 3 },
            { name: 'mem', max: 1 },
          ],
        },
      }),
    },
    {
      name: 'update adding a repeat',
      method: 'PUT',
      path: `${coll}/valid-0`,
      body: (c: Context) => ({
        ...c.json('set list without repeats'),
        spec: { ...c.json('set list without repeats').spec, tags: ['a', 'a'] },
      }),
    },
  ];
  return rs.map((r) => ({ ...r, topic: 'schema: list types and formats' }));
}
