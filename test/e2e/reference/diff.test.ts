import { describe, expect, it } from 'vitest';
import { agreement, classify, type ComparedDifference, unused } from './classify.js';
import { type Answer, compareAnswers, contentTypeOf, flatten, normalise, warningKinds } from './diff.js';

const answer = (status: number, body: unknown, headers: Answer['headers'] = { 'content-type': 'application/json' }): Answer => ({
  status,
  headers,
  body,
  text: JSON.stringify(body),
});

const flunder = (over: Record<string, unknown> = {}): Record<string, any> => ({
  apiVersion: 'wardle.example.com/v1alpha1',
  kind: 'Flunder',
  metadata: {
    name: 'a',
    namespace: 'default',
    uid: '1f0c',
    resourceVersion: '12',
    creationTimestamp: '2026-11-30T10:00:00Z',
    generation: 1,
  },
  spec: { reference: 'b' },
  ...over,
});

const status = (code: number, reason: string, message: string, causes?: { reason: string; field: string }[]): Record<string, unknown> => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
  ...(causes ? { details: { name: 'a', kind: 'flunders', causes: causes.map((c) => ({ ...c, message: 'm' })) } } : {}),
});

describe('normalise', () => {
  it.each([
    ['a uid', { metadata: { uid: 'abc' } }, { metadata: { uid: '<uid>' } }],
    ['a resourceVersion', { metadata: { resourceVersion: '42' } }, { metadata: { resourceVersion: '<rv>' } }],
    ['an empty resourceVersion stays empty', { metadata: { resourceVersion: '' } }, { metadata: { resourceVersion: '' } }],
    ['a continue token', { metadata: { continue: 'eyJ2Ijo' } }, { metadata: { continue: '<continue>' } }],
    [
      'RFC 3339 times anywhere',
      { cells: ['x', '2026-01-02T03:04:05Z'], t: '2026-01-02T03:04:05.123456+01:00' },
      { cells: ['x', '<time>'], t: '<time>' },
    ],
    ['ages in Table cells', { cells: ['8s', '2m3s', '5d', 'red'] }, { cells: ['<age>', '<age>', '<age>', 'red'] }],
    [
      'a generated name',
      { metadata: { generateName: 'gen-', name: 'gen-x7k2q' } },
      { metadata: { generateName: 'gen-', name: 'gen-<generated>' } },
    ],
    [
      'a name that was not generated',
      { metadata: { generateName: 'gen-', name: 'other' } },
      { metadata: { generateName: 'gen-', name: 'other' } },
    ],
    [
      'owner references and details',
      { details: { uid: 'u' }, ownerReferences: [{ uid: 'v' }] },
      { details: { uid: '<uid>' }, ownerReferences: [{ uid: '<uid>' }] },
    ],
  ])('replaces %s', (_, input, expected) => {
    expect(normalise(input)).toEqual(expected);
  });
});

describe('flatten', () => {
  it('gives array elements one path, keeps sizes, and leaves messages out of the values', () => {
    const { types, values } = flatten({ items: [{ a: 1 }, { a: 'x', b: true }], message: 'free text' });
    expect(types.get('items[].a')).toEqual(new Set(['number', 'string']));
    expect(types.get('items[].b')).toEqual(new Set(['boolean']));
    expect(values.get('items.length')).toEqual(new Set(['2']));
    expect(types.get('message')).toEqual(new Set(['string']));
    expect(values.has('message')).toBe(false);
  });
});

describe('compareAnswers', () => {
  it('finds nothing between answers that differ only in uids, times and resourceVersions', () => {
    const other = flunder({
      metadata: { ...flunder().metadata, uid: 'ffff', resourceVersion: '99', creationTimestamp: '2027-01-01T00:00:00Z' },
    });
    expect(compareAnswers('get', answer(200, flunder()), answer(200, other))).toEqual([]);
  });

  it('reports status, reason and causes (reason and field, in any order) as their own aspects', () => {
    const ref = answer(
      422,
      status(422, 'Invalid', 'Flunder "a" is invalid: ...', [
        { reason: 'FieldValueInvalid', field: 'spec.a' },
        { reason: 'FieldValueRequired', field: 'spec.b' },
      ]),
    );
    const sameCauses = answer(
      422,
      status(422, 'Invalid', 'worded otherwise', [
        { reason: 'FieldValueRequired', field: 'spec.b' },
        { reason: 'FieldValueInvalid', field: 'spec.a' },
      ]),
    );
    expect(compareAnswers('create', ref, sameCauses)).toEqual([]);

    const ours = answer(400, status(400, 'BadRequest', 'nope', [{ reason: 'FieldValueRequired', field: 'spec.a' }]));
    const aspects = compareAnswers('create', ref, ours).map((d) => [d.aspect, d.reference, d.ours]);
    expect(aspects).toEqual([
      ['status', '422', '400'],
      ['reason', 'Invalid', 'BadRequest'],
      ['causes', 'FieldValueInvalid:spec.a FieldValueRequired:spec.b', 'FieldValueRequired:spec.a'],
    ]);
  });

  it('compares Content-Type without charset, Warning by kind present, Cache-Control by value', () => {
    const ref = answer(201, flunder(), {
      'content-type': 'application/json',
      'cache-control': 'no-cache, private',
      warning: '299 - "unknown field \\"spec.x\\""',
    });
    const ours = answer(201, flunder(), {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-cache, private',
      warning: '299 - "worded otherwise: unknown field spec.x"',
    });
    expect(compareAnswers('create', ref, ours)).toEqual([]);
    const bare = answer(201, flunder(), { 'content-type': 'application/yaml' });
    expect(compareAnswers('create', ref, bare).map((d) => [d.aspect, d.path, d.reference, d.ours])).toEqual([
      ['content-type', undefined, 'application/json', 'application/yaml'],
      ['warning', 'unknown field', 'present', 'absent'],
      ['cache-control', undefined, 'no-cache, private', '(none)'],
    ]);
  });

  it('sorts several warnings into kinds', () => {
    const a = answer(
      201,
      {},
      {
        warning:
          '299 - "wardle.example.com/v1alpha1 Flunder is deprecated in v1.3+", 299 - "unknown field \\"spec.a\\"", 299 - "something, else"',
      },
    );
    expect(warningKinds(a)).toEqual(new Set(['deprecated', 'unknown field', 'other']));
  });

  it('keeps the parameters that select a document, such as aggregated discovery', () => {
    expect(contentTypeOf(answer(200, {}, { 'content-type': 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' }))).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=apigroupdiscoverylist',
    );
  });

  it('reports a missing object once, a type change and a value change at their paths', () => {
    const ref = flunder({ status: { replicas: 1 } });
    const ours = flunder({ spec: { reference: 5 } });
    ours.metadata.generation = 2;
    const diffs = compareAnswers('get', answer(200, ref), answer(200, ours)).map((d) => [d.path, d.reference, d.ours]);
    expect(diffs).toEqual([
      ['spec.reference', 'string', 'number'],
      ['status', 'object', '(absent)'],
      ['metadata.generation', '1', '2'],
    ]);
  });

  it('reports a Status against an object by its kind only', () => {
    const diffs = compareAnswers(
      'update',
      answer(422, status(422, 'Invalid', 'x', [{ reason: 'FieldValueInvalid', field: 'metadata.resourceVersion' }])),
      answer(200, flunder()),
    );
    expect(diffs.filter((d) => d.aspect === 'body').map((d) => [d.path, d.reference, d.ours])).toEqual([['kind', '"Status"', '"Flunder"']]);
  });

  it('says what only one side has when a path carries many values', () => {
    const ref = { items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] };
    const ours = { items: [{ name: 'a' }, { name: 'b' }, { name: 'd' }] };
    expect(compareAnswers('list', answer(200, ref), answer(200, ours)).map((d) => [d.path, d.reference, d.ours])).toEqual([
      ['items[].name', 'only "c"', 'only "d"'],
    ]);
  });

  it('compares shapes only when asked, and only the picked part', () => {
    const ref = { groups: [{ name: 'a', versions: [1] }, { name: 'x' }] };
    const ours = { groups: [{ name: 'a', versions: [2] }] };
    const pick = (b: any): unknown => b.groups.find((g: any) => g.name === 'a');
    expect(compareAnswers('apis', answer(200, ref), answer(200, ours), { pick, body: 'shape' })).toEqual([]);
    expect(compareAnswers('apis', answer(200, ref), answer(200, ours), { pick }).map((d) => d.path)).toEqual(['versions[]']);
    // An error answer is compared whole when the pick does not apply to it.
    expect(compareAnswers('apis', answer(200, ref), answer(404, status(404, 'NotFound', 'x')), { pick }).map((d) => d.aspect)).toEqual(
      expect.arrayContaining(['status', 'reason']),
    );
  });

  it('reads the Status of a watch ERROR event', () => {
    const events = [{ type: 'ERROR', object: status(410, 'Expired', 'too old resource version: 1 (5)') }];
    const ok = [{ type: 'ADDED', object: flunder() }];
    const diffs = compareAnswers('watch', answer(200, events), answer(200, ok));
    expect(diffs.find((d) => d.aspect === 'reason')).toMatchObject({ reference: 'Expired', ours: '' });
    expect(diffs.find((d) => d.path === '[].type')).toMatchObject({ reference: '"ERROR"', ours: '"ADDED"' });
  });
});

describe('classify', () => {
  const d = (request: string, aspect: ComparedDifference['aspect'], path?: string): ComparedDifference => ({
    comparison: 'kube-apiserver',
    request,
    aspect,
    path,
    reference: 'r',
    ours: 'o',
  });

  it('prefers an expected difference, then a known defect, and calls the rest NEW', () => {
    const diffs = [
      d('create', 'status'),
      d('create', 'body', 'metadata.managedFields'),
      d('watch rv=0', 'body', '[].type'),
      d('list', 'reason'),
    ];
    const rows = classify(
      diffs,
      [
        { request: 'create', aspect: 'body', path: /^metadata\.managedFields/, why: 'by design' },
        { comparison: 'sample-apiserver', request: 'list', why: 'other reference' },
      ],
      [
        { request: 'create', why: 'a defect' },
        { request: /^watch /, aspect: 'body', why: 'another defect' },
      ],
    );
    expect(rows.map((r) => [r.request, r.verdict, r.why])).toEqual([
      ['create', 'known defect', 'a defect'],
      ['create', 'expected', 'by design'],
      ['watch rv=0', 'known defect', 'another defect'],
      ['list', 'NEW', undefined],
    ]);
  });

  it('matches several aspects, and particular answers', () => {
    const status = { ...d('update', 'status'), reference: '422', ours: '200' };
    expect(
      classify([status], [{ request: 'update', aspect: ['reason', 'status'], reference: '422', ours: /^2/, why: 'w' }], [])[0]?.verdict,
    ).toBe('expected');
    expect(classify([status], [{ request: 'update', aspect: ['status'], ours: '409', why: 'w' }], [])[0]?.verdict).toBe('NEW');
  });

  it('lists allowances that matched nothing', () => {
    const stale = { request: 'gone', why: 'fixed' };
    expect(unused([stale, { request: 'list', why: 'x' }], [d('list', 'status')])).toEqual([stale]);
  });

  it('counts a request as agreeing only when nothing about it differs, and apart when only expected things do', () => {
    const rows = classify(
      [d('a', 'status'), d('a', 'reason'), d('c', 'body'), d('d', 'body')],
      [{ request: 'c', why: 'by design' }],
      [{ request: 'd', why: 'a later issue' }],
    );
    expect(agreement('kube-apiserver', ['a', 'b', 'c', 'd'], rows).text).toBe(
      'kube-apiserver: 1 of 4 requests agree (25.0%); 2 of 4 (50.0%) once expected differences are set aside; 3 of 4 (75.0%) once the known defects are set aside too',
    );
  });
});
