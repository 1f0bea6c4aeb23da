/**
 * The requests both servers answer, one table entry per request, built for one namespaced resource of
 * one API group (the subject): CRUD in every version, patches, every DeleteOptions form, bad input,
 * list options, selectors, paging, watches, Tables and metadata-only answers, discovery, OpenAPI, wrong
 * methods. Subject-specific requests (Fischer, /status, /scale) are added by the test file.
 */
import type { Context, Obj, RequestSpec } from './runner.js';

export interface Subject {
  group: string;
  /** Served versions, the storage version first. */
  versions: string[];
  resource: string;
  kind: string;
  /**
   * Namespaces that exist on both sides: one for single objects, one for lists, pages and watches, and one for a
   * list longer than a chunk.
   */
  namespace: string;
  listNamespace: string;
  largeNamespace: string;
  /** The body of a valid object of `version`. */
  object(version: string, name: string, labels?: Record<string, string>): Obj;
  /** A valid change of spec in `version`, for updates and patches. */
  specChange(version: string): Obj;
  /** A spec the API refuses with 422 in `version` (its schema, or the reference's validation). */
  invalidSpec(version: string): Obj;
}

export const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
export const PARTIAL = 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io';
export const PARTIAL_LIST = 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io';
export const AGGREGATED_DISCOVERY = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

const MERGE = { 'content-type': 'application/merge-patch+json' };
const JSON_PATCH = { 'content-type': 'application/json-patch+json' };
const STRATEGIC = { 'content-type': 'application/strategic-merge-patch+json' };
const APPLY = { 'content-type': 'application/apply-patch+yaml' };

/** The objects that lists, pages, selectors and watches see. */
export const LISTED = 5;
const tier = (i: number): string => (i < 2 ? 'gold' : 'silver');
/**
 * The objects of the list longer than a chunk: more than the 128 keys our store reads at a time, so its pages and
 * selector pages read through a view of the index (src/storage/cache/snapshot-list.ts).
 */
const LARGE = 140;

const withoutResourceVersion = (o: Obj): Obj => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
const relabel = (o: Obj, labels: Record<string, string>): Obj => ({
  ...o,
  metadata: { ...o.metadata, labels: { ...o.metadata?.labels, ...labels } },
});

export function requestSequence(s: Subject): RequestSpec[] {
  const api = (v: string): string => `/apis/${s.group}/${v}`;
  const coll = (v: string, ns = s.namespace): string => `${api(v)}/namespaces/${ns}/${s.resource}`;
  const item = (v: string, name: string, ns = s.namespace): string => `${coll(v, ns)}/${name}`;
  const [v0] = s.versions as [string];
  const obj = (name: string, extra: Obj = {}): Obj => {
    const o = s.object(v0, name);
    return { ...o, ...extra, metadata: { ...o.metadata, namespace: s.namespace, ...extra.metadata } };
  };
  const specs: RequestSpec[] = [];
  const add = (topic: string, ...rs: Omit<RequestSpec, 'topic'>[]): void => {
    specs.push(...rs.map((r) => ({ ...r, topic })));
  };

  for (const v of s.versions) {
    const name = `crud-${v}`;
    add(
      'CRUD',
      { name: `${v} create`, method: 'POST', path: coll(v), body: s.object(v, name, { app: 'refdiff' }) },
      { name: `${v} create again`, method: 'POST', path: coll(v), body: s.object(v, name) },
      { name: `${v} create generateName`, method: 'POST', path: coll(v), body: { ...s.object(v, ''), metadata: { generateName: 'gen-' } } },
      { name: `${v} get`, method: 'GET', path: item(v, name) },
      { name: `${v} get missing`, method: 'GET', path: item(v, 'missing') },
      { name: `${v} list`, method: 'GET', path: coll(v) },
      {
        name: `${v} update`,
        method: 'PUT',
        path: item(v, name),
        body: (c: Context) => ({
          ...relabel(c.json(`${v} get`), { updated: 'yes' }),
          spec: { ...c.json(`${v} get`).spec, ...s.specChange(v) },
        }),
      },
      // Unchanged but for the missing resourceVersion: a server that accepts it leaves no trace for later requests.
      {
        name: `${v} update without resourceVersion`,
        method: 'PUT',
        path: item(v, name),
        body: (c: Context) => withoutResourceVersion(c.json(`${v} update`)),
      },
      {
        name: `${v} update stale resourceVersion`,
        method: 'PUT',
        path: item(v, name),
        body: (c: Context) => relabel(c.json(`${v} get`), { stale: 'yes' }),
      },
      // The wrong-uid update needs the object as it is after the successful updates.
      { name: `${v} get after update`, method: 'GET', path: item(v, name) },
      {
        name: `${v} update wrong uid`,
        method: 'PUT',
        path: item(v, name),
        body: (c: Context) => {
          const o = c.json(`${v} get after update`);
          return { ...o, metadata: { ...o.metadata, uid: 'wrong' } };
        },
      },
      {
        name: `${v} update name mismatch`,
        method: 'PUT',
        path: item(v, name),
        body: (c: Context) => ({ ...c.json(`${v} get`), metadata: { ...c.json(`${v} get`).metadata, name: 'other' } }),
      },
      { name: `${v} update missing object`, method: 'PUT', path: item(v, 'missing'), body: s.object(v, 'missing') },
      {
        name: `${v} merge patch`,
        method: 'PATCH',
        path: item(v, name),
        headers: MERGE,
        body: { metadata: { labels: { patched: 'merge' } }, spec: s.specChange(v) },
      },
      {
        name: `${v} json patch`,
        method: 'PATCH',
        path: item(v, name),
        headers: JSON_PATCH,
        body: [{ op: 'add', path: '/metadata/annotations', value: { patched: 'json' } }],
      },
      {
        name: `${v} json patch failing test`,
        method: 'PATCH',
        path: item(v, name),
        headers: JSON_PATCH,
        body: [{ op: 'test', path: '/metadata/name', value: 'other' }],
      },
      { name: `${v} merge patch not JSON`, method: 'PATCH', path: item(v, name), headers: MERGE, body: '{not json' },
      // The label the merge patch set already: a server that accepts it leaves no trace for later requests.
      {
        name: `${v} strategic merge patch`,
        method: 'PATCH',
        path: item(v, name),
        headers: STRATEGIC,
        body: { metadata: { labels: { patched: 'merge' } } },
      },
      // Server-side apply on an object of its own, deleted at once: its outcome does not leak into later answers.
      {
        name: `${v} apply patch (creates)`,
        method: 'PATCH',
        path: `${item(v, `applied-${v}`)}?fieldManager=refdiff`,
        headers: APPLY,
        body: {
          ...s.object(v, `applied-${v}`, { applied: 'yes' }),
          metadata: { name: `applied-${v}`, namespace: s.namespace, labels: { applied: 'yes' } },
        },
      },
      {
        name: `${v} apply patch (updates)`,
        method: 'PATCH',
        path: `${item(v, `applied-${v}`)}?fieldManager=refdiff&force=true`,
        headers: APPLY,
        body: {
          apiVersion: `${s.group}/${v}`,
          kind: s.kind,
          metadata: { name: `applied-${v}`, namespace: s.namespace, labels: { applied: 'again' } },
        },
      },
      {
        name: `${v} apply patch without fieldManager`,
        method: 'PATCH',
        path: item(v, `applied-${v}`),
        headers: APPLY,
        body: { apiVersion: `${s.group}/${v}`, kind: s.kind, metadata: { name: `applied-${v}`, namespace: s.namespace } },
      },
      { name: `${v} delete the applied object`, method: 'DELETE', path: item(v, `applied-${v}`) },
      {
        name: `${v} patch missing object`,
        method: 'PATCH',
        path: item(v, 'missing'),
        headers: MERGE,
        body: { metadata: { labels: { a: 'b' } } },
      },
      { name: `${v} get after writes`, method: 'GET', path: item(v, name) },
    );
  }

  const del = (form: string): string => `del-${form}`;
  const forms = [
    'dryrun-query',
    'dryrun-body',
    'orphan',
    'foreground',
    'background',
    'bogus',
    'uid-wrong',
    'uid-number',
    'rv-wrong',
    'array',
    'grace-abc',
    'plain',
  ];
  add('delete options', ...forms.map((f) => ({ name: `create ${del(f)}`, method: 'POST', path: coll(v0), body: obj(del(f)) })));
  add(
    'delete options',
    { name: 'delete dryRun=All (query)', method: 'DELETE', path: `${item(v0, del('dryrun-query'))}?dryRun=All` },
    { name: 'delete dryRun All (body)', method: 'DELETE', path: item(v0, del('dryrun-body')), body: { dryRun: ['All'] } },
    { name: 'get after dryRun=All (query)', method: 'GET', path: item(v0, del('dryrun-query')) },
    { name: 'get after dryRun All (body)', method: 'GET', path: item(v0, del('dryrun-body')) },
    { name: 'delete propagationPolicy Orphan', method: 'DELETE', path: item(v0, del('orphan')), body: { propagationPolicy: 'Orphan' } },
    { name: 'get after Orphan', method: 'GET', path: item(v0, del('orphan')) },
    {
      name: 'delete propagationPolicy Foreground',
      method: 'DELETE',
      path: item(v0, del('foreground')),
      body: { propagationPolicy: 'Foreground' },
    },
    { name: 'get after Foreground', method: 'GET', path: item(v0, del('foreground')) },
    { name: 'delete again while finalizing', method: 'DELETE', path: item(v0, del('foreground')) },
    {
      name: 'delete propagationPolicy Background',
      method: 'DELETE',
      path: item(v0, del('background')),
      body: { propagationPolicy: 'Background' },
    },
    { name: 'get after Background', method: 'GET', path: item(v0, del('background')) },
    { name: 'delete propagationPolicy Bogus', method: 'DELETE', path: item(v0, del('bogus')), body: { propagationPolicy: 'Bogus' } },
    {
      name: 'delete preconditions uid wrong',
      method: 'DELETE',
      path: item(v0, del('uid-wrong')),
      body: { preconditions: { uid: 'wrong' } },
    },
    { name: 'delete preconditions uid 5', method: 'DELETE', path: item(v0, del('uid-number')), body: { preconditions: { uid: 5 } } },
    {
      name: 'delete preconditions resourceVersion wrong',
      method: 'DELETE',
      path: item(v0, del('rv-wrong')),
      body: { preconditions: { resourceVersion: '1' } },
    },
    { name: 'delete body []', method: 'DELETE', path: item(v0, del('array')), body: [] },
    { name: 'delete gracePeriodSeconds=abc', method: 'DELETE', path: `${item(v0, del('grace-abc'))}?gracePeriodSeconds=abc` },
    { name: 'delete without options', method: 'DELETE', path: item(v0, del('plain')) },
    { name: 'delete missing object', method: 'DELETE', path: item(v0, 'missing') },
    {
      name: 'remove finalizers of the Orphan delete',
      method: 'PATCH',
      path: item(v0, del('orphan')),
      headers: MERGE,
      body: { metadata: { finalizers: null } },
    },
    { name: 'get after finalizers removed', method: 'GET', path: item(v0, del('orphan')) },
    {
      name: 'remove finalizers of the Foreground delete',
      method: 'PATCH',
      path: item(v0, del('foreground')),
      headers: MERGE,
      body: { metadata: { finalizers: null } },
    },
  );

  const create = (name: string, body: unknown, query = '', headers?: Record<string, string>): Omit<RequestSpec, 'topic'> => ({
    name,
    method: 'POST',
    path: `${coll(v0)}${query}`,
    body,
    ...(headers ? { headers } : {}),
  });
  const raw = (metadata: string, spec = JSON.stringify(s.object(v0, 'x').spec ?? {})): string =>
    `{"apiVersion":"${s.group}/${v0}","kind":"${s.kind}","metadata":${metadata},"spec":${spec}}`;
  add(
    'bad input',
    create('create invalid name', obj('Bad_Name')),
    create('create metadata.name 12345', raw('{"name":12345}')),
    create('create without name', { ...obj('x'), metadata: { labels: { a: 'b' } } }),
    create('create invalid label key', obj('bad-label', { metadata: { name: 'bad-label', labels: { 'bad key!': 'x' } } })),
    create(
      'create ownerReferences without uid',
      obj('owned', { metadata: { name: 'owned', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner' }] } }),
    ),
    create('create finalizers "x"', raw('{"name":"fin","finalizers":"x"}')),
    create('create generateName 5', raw('{"generateName":5}')),
    create('create schema-invalid spec', { ...obj('invalid-spec'), spec: s.invalidSpec(v0) }),
    create('create duplicate keys Strict', raw('{"name":"dup-strict","name":"dup-strict"}'), '?fieldValidation=Strict'),
    create('create duplicate keys Warn', raw('{"name":"dup-warn","name":"dup-warn"}'), '?fieldValidation=Warn'),
    create(
      'create unknown field Strict',
      { ...obj('unknown-strict'), spec: { ...s.object(v0, 'x').spec, bogus: 1 } },
      '?fieldValidation=Strict',
    ),
    create('create unknown field Warn', { ...obj('unknown-warn'), spec: { ...s.object(v0, 'x').spec, bogus: 1 } }, '?fieldValidation=Warn'),
    create(
      'create unknown field Ignore',
      { ...obj('unknown-ignore'), spec: { ...s.object(v0, 'x').spec, bogus: 1 } },
      '?fieldValidation=Ignore',
    ),
    create('create unknown top-level field (default)', { ...obj('unknown-top'), bogus: 1 }),
    create('create dryRun=All', obj('dry-run'), '?dryRun=All'),
    { name: 'get after dry-run create', method: 'GET', path: item(v0, 'dry-run') },
    create('create dryRun=Bogus', obj('dry-run-bogus'), '?dryRun=Bogus'),
    create('create fieldValidation=Bogus', obj('fv-bogus'), '?fieldValidation=Bogus'),
    create('create wrong apiVersion', { ...obj('wrong-version'), apiVersion: `${s.group}/v9` }),
    create('create wrong kind', { ...obj('wrong-kind'), kind: 'Other' }),
    create('create wrong namespace in body', obj('wrong-ns', { metadata: { name: 'wrong-ns', namespace: s.listNamespace } })),
    create('create body not JSON', '{not json'),
    create('create empty body', ''),
    create('create body []', []),
    create('create Content-Type text/plain', JSON.stringify(obj('text-plain')), '', { 'content-type': 'text/plain' }),
    create('create YAML body', `apiVersion: ${s.group}/${v0}\nkind: ${s.kind}\nmetadata:\n  name: from-yaml\n`, '', {
      'content-type': 'application/yaml',
    }),
    {
      name: 'create in a namespace that does not exist',
      method: 'POST',
      path: coll(v0, 'refdiff-missing'),
      body: { ...s.object(v0, 'nowhere'), metadata: { name: 'nowhere' } },
    },
  );

  const lcoll = coll(v0, s.listNamespace);
  add(
    'list setup',
    ...Array.from({ length: LISTED }, (_, i) => ({
      name: `create page-${i}`,
      method: 'POST',
      path: lcoll,
      body: {
        ...s.object(v0, `page-${i}`, { tier: tier(i), refdiff: 'listed' }),
        metadata: { name: `page-${i}`, namespace: s.listNamespace, labels: { tier: tier(i), refdiff: 'listed' } },
      },
    })),
  );
  const listOf =
    (collection: string, suffix = '') =>
    (name: string, query: string, headers?: Record<string, string>): Omit<RequestSpec, 'topic'> => ({
      name: `${name}${suffix}`,
      method: 'GET',
      path: `${collection}${query}`,
      ...(headers ? { headers } : {}),
    });
  const list = listOf(lcoll);
  add(
    'list options',
    list('list resourceVersion=0', '?resourceVersion=0'),
    list('list resourceVersionMatch=NotOlderThan without resourceVersion', '?resourceVersionMatch=NotOlderThan'),
    list('list resourceVersionMatch=Bogus', '?resourceVersion=0&resourceVersionMatch=Bogus'),
    list('list resourceVersion too large', '?resourceVersion=999999999'),
    list('list resourceVersion too large, Exact', '?resourceVersion=999999999&resourceVersionMatch=Exact'),
    list('list resourceVersion=abc', '?resourceVersion=abc'),
    list('list limit=abc', '?limit=abc'),
    { name: 'list all namespaces', method: 'GET', path: `${api(v0)}/${s.resource}?labelSelector=refdiff%3Dlisted` },
  );
  add(
    'selectors',
    list('labelSelector tier=gold', '?labelSelector=tier%3Dgold'),
    list('labelSelector tier!=gold', '?labelSelector=tier!%3Dgold'),
    list('labelSelector tier in (gold,silver)', '?labelSelector=tier%20in%20(gold%2Csilver)'),
    list('labelSelector !tier', '?labelSelector=!tier'),
    list('labelSelector invalid', '?labelSelector=a%20b'),
    list('fieldSelector metadata.name=page-1', '?fieldSelector=metadata.name%3Dpage-1'),
    list('fieldSelector metadata.namespace!=other', '?fieldSelector=metadata.namespace!%3Dother'),
    list('fieldSelector unsupported field', '?fieldSelector=spec.reference%3Dx'),
    list('fieldSelector without operator', '?fieldSelector=metadata.name'),
  );
  const cont =
    (from: string) =>
    (c: Context): string =>
      `${lcoll}?limit=2&continue=${encodeURIComponent(String(c.json(from).metadata?.continue ?? ''))}`;
  add(
    'paging',
    list('page 1 (limit=2)', '?limit=2'),
    { name: 'page 2', method: 'GET', path: cont('page 1 (limit=2)') },
    { name: 'page 3 (last)', method: 'GET', path: cont('page 2') },
    list('page with a label selector (limit=1)', '?limit=1&labelSelector=tier%3Dgold'),
    list('page with an invalid continue token', '?limit=2&continue=not-a-token'),
    { name: 'page continue with resourceVersion', method: 'GET', path: (c: Context) => `${cont('page 1 (limit=2)')(c)}&resourceVersion=1` },
    list('page limit=0', '?limit=0'),
  );
  const gcoll = coll(v0, s.largeNamespace);
  add(
    'large list setup',
    ...Array.from({ length: LARGE }, (_, i) => {
      const name = `large-${String(i).padStart(3, '0')}`;
      const labels = { tier: i % 3 === 0 ? 'gold' : 'silver' };
      return {
        name: `create ${name}`,
        method: 'POST',
        path: gcoll,
        body: { ...s.object(v0, name, labels), metadata: { name, namespace: s.largeNamespace, labels } },
      };
    }),
  );
  const large = listOf(gcoll);
  const next =
    (from: string, query: string) =>
    (c: Context): string =>
      `${gcoll}?${query}&continue=${encodeURIComponent(String(c.json(from).metadata?.continue ?? ''))}`;
  const GOLD = 'labelSelector=tier%3Dgold';
  add(
    'paging past a chunk',
    large('large page 1 (limit=60)', '?limit=60'),
    { name: 'large page 2', method: 'GET', path: next('large page 1 (limit=60)', 'limit=60') },
    { name: 'large page 3 (last)', method: 'GET', path: next('large page 2', 'limit=60') },
    large('large selector page 1 (limit=20)', `?limit=20&${GOLD}`),
    { name: 'large selector page 2', method: 'GET', path: next('large selector page 1 (limit=20)', `limit=20&${GOLD}`) },
    { name: 'large selector page 3 (last)', method: 'GET', path: next('large selector page 2', `limit=20&${GOLD}`) },
    large('large selector, whole list', `?${GOLD}`),
    large('Table page 1 of the large list (limit=60)', '?limit=60', { accept: TABLE }),
  );

  const watch = (
    name: string,
    query: string,
    events: number,
    timeoutMs = 3000,
    headers?: Record<string, string>,
  ): Omit<RequestSpec, 'topic'> => ({
    name,
    method: 'GET',
    path: `${lcoll}?watch=true${query}`,
    watch: { events, timeoutMs },
    ...(headers ? { headers } : {}),
  });
  add(
    'watch',
    watch('watch from resourceVersion=0', '&resourceVersion=0', LISTED),
    watch('watch without resourceVersion', '', LISTED),
    watch(
      'watch sendInitialEvents with bookmarks',
      '&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan',
      LISTED + 1,
    ),
    watch('watch sendInitialEvents without resourceVersionMatch', '&sendInitialEvents=true&allowWatchBookmarks=true', LISTED + 1),
    watch('watch fieldSelector metadata.name', '&resourceVersion=0&fieldSelector=metadata.name%3Dpage-1', 1),
    watch('watch labelSelector tier=gold', '&resourceVersion=0&labelSelector=tier%3Dgold', 2),
    {
      name: 'watch from the list resourceVersion (quiet)',
      method: 'GET',
      watch: { events: 1, timeoutMs: 1500 },
      path: (c: Context) => `${lcoll}?watch=true&resourceVersion=${c.json('page limit=0').metadata?.resourceVersion}`,
    },
    watch('watch resourceVersion=abc', '&resourceVersion=abc', 1),
    watch('watch as Table', '&resourceVersion=0', LISTED, 3000, { accept: TABLE }),
  );

  add(
    'table and metadata',
    list('Table list', '', { accept: TABLE }),
    list('Table list limit=2', '?limit=2', { accept: TABLE }),
    list('Table list includeObject=Object', '?includeObject=Object', { accept: TABLE }),
    list('Table list includeObject=None', '?includeObject=None', { accept: TABLE }),
    list('Table list includeObject=Bogus', '?includeObject=Bogus', { accept: TABLE }),
    { name: 'Table get', method: 'GET', path: `${lcoll}/page-0`, headers: { accept: TABLE } },
    {
      name: 'kubectl get Accept',
      method: 'GET',
      path: `${lcoll}?limit=500`,
      headers: { accept: `${TABLE},application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json` },
    },
    { name: 'PartialObjectMetadata get', method: 'GET', path: `${lcoll}/page-0`, headers: { accept: PARTIAL } },
    list('PartialObjectMetadataList', '', { accept: PARTIAL_LIST }),
    { name: 'Accept application/yaml', method: 'GET', path: `${lcoll}/page-0`, headers: { accept: 'application/yaml' } },
    {
      name: 'Accept application/vnd.kubernetes.protobuf',
      method: 'GET',
      path: `${lcoll}/page-0`,
      headers: { accept: 'application/vnd.kubernetes.protobuf' },
      compare: { body: 'none' },
    },
    { name: 'Accept text/html', method: 'GET', path: `${lcoll}/page-0`, headers: { accept: 'text/html' } },
  );

  // The same lists in the version that is not the storage version: each object converted as it is written
  // (streamed by us past 1,000 items; here the answers, which are the same either way).
  const other = coll(s.versions[1] as string, s.listNamespace);
  const otherList = listOf(other, ` in ${s.versions[1]}`);
  add(
    'lists in the other version',
    otherList('list', ''),
    otherList('labelSelector tier=gold', '?labelSelector=tier%3Dgold'),
    otherList('Table list', '', { accept: TABLE }),
    otherList('PartialObjectMetadataList', '', { accept: PARTIAL_LIST }),
    {
      name: `watch sendInitialEvents labelSelector tier=gold in ${s.versions[1]}`,
      method: 'GET',
      path: `${other}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&labelSelector=tier%3Dgold`,
      watch: { events: 3, timeoutMs: 5000 },
    },
  );

  add(
    'deletecollection',
    { name: 'deletecollection dryRun with a label selector', method: 'DELETE', path: `${lcoll}?labelSelector=tier%3Dgold&dryRun=All` },
    list('list after dry-run deletecollection', '?labelSelector=tier%3Dgold'),
    { name: 'deletecollection with a label selector', method: 'DELETE', path: `${lcoll}?labelSelector=tier%3Dgold` },
    list('list after deletecollection', ''),
  );

  const group = (b: any): unknown => (b.groups as Obj[]).find((g) => g.name === s.group);
  const aggregatedGroup = (b: any): unknown => (b.items as Obj[]).find((g) => g.metadata?.name === s.group);
  add(
    'discovery',
    { name: 'GET /apis', method: 'GET', path: '/apis', compare: { pick: group } },
    {
      name: 'GET /apis (aggregated v2)',
      method: 'GET',
      path: '/apis',
      headers: { accept: AGGREGATED_DISCOVERY },
      compare: { pick: aggregatedGroup },
    },
    // With the ETag this server sent: 304 Not Modified.
    {
      name: 'GET /apis (aggregated v2) If-None-Match',
      method: 'GET',
      path: '/apis',
      compare: { pick: aggregatedGroup },
      headers: (c: Context) => ({
        accept: AGGREGATED_DISCOVERY,
        'if-none-match': String(c.answer('GET /apis (aggregated v2)').headers.etag ?? ''),
      }),
    },
    { name: `GET /apis/${s.group}`, method: 'GET', path: `/apis/${s.group}` },
    ...s.versions.map((v) => ({ name: `GET /apis/${s.group}/${v}`, method: 'GET', path: api(v) })),
    { name: `GET /apis/${s.group}/v9`, method: 'GET', path: api('v9') },
    { name: 'GET /apis/unknown.example.com', method: 'GET', path: '/apis/unknown.example.com' },
    { name: 'GET /version', method: 'GET', path: '/version', compare: { body: 'shape' } },
  );

  const groupPaths = (paths: Obj | undefined, prefix: string): string[] =>
    Object.keys(paths ?? {})
      .filter((p) => p.startsWith(prefix))
      .sort();
  const schemaNames = (defs: Obj | undefined): string[] =>
    Object.keys(defs ?? {})
      .filter((d) => d.includes(s.group.split('.').reverse().join('.')) || d.endsWith(`.${s.kind}`))
      .sort();
  add(
    'openapi',
    {
      name: 'GET /openapi/v2',
      method: 'GET',
      path: '/openapi/v2',
      headers: { accept: 'application/json' },
      compare: {
        pick: (b: any) => ({
          swagger: b.swagger,
          paths: groupPaths(b.paths, `/apis/${s.group}/`),
          definitions: schemaNames(b.definitions),
        }),
      },
    },
    { name: 'GET /openapi/v3', method: 'GET', path: '/openapi/v3', compare: { pick: (b: any) => groupPaths(b.paths, `apis/${s.group}`) } },
    ...s.versions.map((v) => ({
      name: `GET /openapi/v3/apis/${s.group}/${v}`,
      method: 'GET',
      path: `/openapi/v3/apis/${s.group}/${v}`,
      compare: {
        pick: (b: any) => ({
          openapi: b.openapi,
          paths: groupPaths(b.paths, `/apis/${s.group}/`),
          schemas: schemaNames(b.components?.schemas),
        }),
      },
    })),
  );

  add(
    'wrong methods',
    { name: 'POST /apis', method: 'POST', path: '/apis', body: {} },
    { name: `PUT /apis/${s.group}`, method: 'PUT', path: `/apis/${s.group}`, body: {} },
    { name: `DELETE /apis/${s.group}/${v0}`, method: 'DELETE', path: api(v0) },
    { name: `POST /apis/${s.group}/${v0}`, method: 'POST', path: api(v0), body: {} },
    { name: 'PUT on a collection', method: 'PUT', path: coll(v0), body: obj('put-coll') },
    { name: 'PATCH on a collection', method: 'PATCH', path: coll(v0), headers: MERGE, body: {} },
    { name: 'POST on an object', method: 'POST', path: item(v0, 'crud-x'), body: obj('crud-x') },
    { name: 'POST to the all-namespaces path', method: 'POST', path: `${api(v0)}/${s.resource}`, body: obj('all-ns') },
  );
  return specs;
}
