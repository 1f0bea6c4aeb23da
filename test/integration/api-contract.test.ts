/**
 * The wire contract over raw HTTPS against the real local mode: errors as Status for bad paths, methods,
 * media types and bodies; list paging and resourceVersion rules; watch bookmarks, initial events,
 * timeouts, Tables and 410 Expired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/cmd/local.js';
import { call, type ClientIdentity, watchEvents } from '../support/client.js';
import { startTestServer, tempDir } from '../support/local.js';

const ns = '/apis/wardle.example.com/v1alpha1/namespaces/contract/flunders';
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const body = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'wardle.example.com/v1alpha1',
  kind: 'Flunder',
  metadata: { name, labels },
  spec: {},
});

describe('API contract', () => {
  const dir = tempDir('contract-it-');
  let local: LocalServer;
  let id: ClientIdentity;
  const req = (method: string, path: string, b?: unknown, h?: Record<string, string>) => call(local.url, id, method, path, b, h);

  beforeAll(async () => {
    local = await startTestServer(dir.path);
    id = { ca: local.ca, cert: local.adminCert, key: local.adminKey };
    for (let i = 0; i < 5; i++) {
      expect((await req('POST', ns, body(`item-${i}`, { parity: i % 2 === 0 ? 'even' : 'odd' }))).status).toBe(201);
    }
  });
  afterAll(async () => {
    await local?.server.shutdown();
    dir.remove();
  });

  describe('errors', () => {
    it('answers an unknown path with a 404 Status', async () => {
      const res = await req('GET', '/apis/wardle.example.com/v1alpha1/nothings');
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    });
    it('answers a method the path does not support with 405', async () => {
      const res = await req('POST', `${ns}/item-0`, body('item-0'));
      expect(res.status).toBe(405);
      expect(res.json).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
    });
    it('answers an unknown media type with 415', async () => {
      const res = await req('POST', ns, 'x', { 'content-type': 'text/plain' });
      expect(res.status).toBe(415);
      expect(res.json).toMatchObject({ reason: 'UnsupportedMediaType', code: 415 });
    });
    it('answers malformed JSON with 400 and changes nothing', async () => {
      const res = await req('POST', ns, '{"apiVersion": ', { 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ reason: 'BadRequest', code: 400 });
      expect((await req('GET', ns)).json.items).toHaveLength(5);
    });
    it('answers a body over 3 MiB with 413', async () => {
      const big = { ...body('big'), spec: { reference: 'x'.repeat(3 * 1024 * 1024 + 10) } };
      const res = await req('POST', ns, big);
      expect(res.status).toBe(413);
      expect(res.json).toMatchObject({ reason: 'RequestEntityTooLarge', code: 413 });
    });
    it('accepts YAML bodies', async () => {
      const yaml = 'apiVersion: wardle.example.com/v1alpha1\nkind: Flunder\nmetadata:\n  name: from-yaml\nspec: {}\n';
      const res = await req('POST', '/apis/wardle.example.com/v1alpha1/namespaces/yaml/flunders', yaml, {
        'content-type': 'application/yaml',
      });
      expect(res.status).toBe(201);
      expect(res.json.metadata.namespace).toBe('yaml');
    });
    it('makes no change on dryRun=All', async () => {
      const res = await req('POST', `${ns}?dryRun=All`, body('dry'));
      expect(res.status).toBe(201);
      expect((await req('GET', `${ns}/dry`)).status).toBe(404);
    });
  });

  describe('lists', () => {
    it('pages with limit and continue, with remainingItemCount', async () => {
      const first = await req('GET', `${ns}?limit=2`);
      expect(first.json.items).toHaveLength(2);
      expect(first.json.metadata.remainingItemCount).toBe(3);
      const rest = await req('GET', `${ns}?limit=10&continue=${encodeURIComponent(first.json.metadata.continue)}`);
      expect(rest.json.items.map((o: any) => o.metadata.name)).toEqual(['item-2', 'item-3', 'item-4']);
      expect(rest.json.metadata.continue).toBeUndefined();
    });
    it('filters with label and field selectors', async () => {
      const even = await req('GET', `${ns}?labelSelector=${encodeURIComponent('parity in (even)')}`);
      expect(even.json.items.map((o: any) => o.metadata.name)).toEqual(['item-0', 'item-2', 'item-4']);
      const named = await req('GET', `${ns}?fieldSelector=metadata.name%3Ditem-3`);
      expect(named.json.items.map((o: any) => o.metadata.name)).toEqual(['item-3']);
      const bad = await req('GET', `${ns}?fieldSelector=spec.nothing%3Dx`);
      expect(bad.status).toBe(400);
    });
    it('lists across all namespaces', async () => {
      const all = await req('GET', '/apis/wardle.example.com/v1alpha1/flunders');
      expect(all.json.kind).toBe('FlunderList');
      expect(all.json.items.length).toBeGreaterThanOrEqual(5);
    });
    it('refuses continue with resourceVersion, and a resourceVersion from the future', async () => {
      const first = await req('GET', `${ns}?limit=2`);
      const both = await req('GET', `${ns}?limit=2&resourceVersion=3&continue=${encodeURIComponent(first.json.metadata.continue)}`);
      expect(both.status).toBe(400);
      expect(both.json.message).toBe('specifying resource version is not allowed when using continue');
      const started = Date.now();
      const future = await req('GET', `${ns}?resourceVersion=999999&resourceVersionMatch=NotOlderThan`);
      expect(future.status).toBe(504);
      // client-go's reflector recognises this error by its cause alone, and relists.
      expect(future.json).toMatchObject({
        reason: 'Timeout',
        details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
      });
      expect(future.json.message).toMatch(/^Timeout: Too large resource version: 999999, current: \d+$/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    });
    it('waits for a resourceVersion this server reaches within 3 s, as the watch cache does', async () => {
      const later = '/apis/wardle.example.com/v1alpha1/namespaces/later/flunders';
      const current = Number((await req('GET', later)).json.metadata.resourceVersion);
      const list = req('GET', `${later}?resourceVersion=${current + 1}&resourceVersionMatch=NotOlderThan`);
      const watch = watchEvents(local.url, id, `${later}?watch=true&resourceVersion=${current}`, 1);
      await new Promise((r) => setTimeout(r, 300));
      expect((await req('POST', later, body('arrives-later'))).status).toBe(201);
      const listed = await list;
      expect(listed.status).toBe(200);
      expect(listed.json.items.map((i: any) => i.metadata.name)).toContain('arrives-later');
      expect((await watch).events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'arrives-later' } } });
    });
    it("serves a Table to kubectl's Accept header, with metadata.continue when paged", async () => {
      const res = await req('GET', `${ns}?limit=2`, undefined, { accept: TABLE_ACCEPT });
      expect(res.json).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
      expect(res.json.columnDefinitions[0].name).toBe('Name');
      expect(res.json.rows).toHaveLength(2);
      expect(res.json.rows[0].object.kind).toBe('PartialObjectMetadata');
      expect(res.json.metadata.continue).toBeTruthy();
    });
  });

  describe('watch', () => {
    it('sends the current state as ADDED, then later events', async () => {
      const pending = watchEvents(local.url, id, `${ns}?watch=true`, 6);
      await new Promise((r) => setTimeout(r, 200));
      await req('POST', ns, body('late'));
      const { status, events } = await pending;
      expect(status).toBe(200);
      expect(events.map((e) => `${e.type} ${e.object.metadata.name}`).slice(-1)).toEqual(['ADDED late']);
    });
    it('ends initial events with the k8s.io/initial-events-end bookmark', async () => {
      const { events } = await watchEvents(
        local.url,
        id,
        `${ns}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&resourceVersion=`,
        7,
      );
      const bookmark = events.find((e) => e.type === 'BOOKMARK');
      expect(bookmark?.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
      expect(events.indexOf(bookmark)).toBe(events.filter((e) => e.type === 'ADDED').length);
    });
    it('carries in its bookmarks the writes it filtered out, so a quiet watch resumes from a recent resourceVersion', async () => {
      const rv = (await req('GET', ns)).json.metadata.resourceVersion;
      // timeoutSeconds=3: the last bookmark goes out 2 s before the end, after the writes below.
      const pending = watchEvents(
        local.url,
        id,
        `${ns}?watch=true&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=${rv}&labelSelector=never%3Dmatched`,
        1,
        5_000,
      );
      await new Promise((r) => setTimeout(r, 200));
      await req('PATCH', `${ns}/item-1`, { metadata: { labels: { seen: 'no' } } }, { 'content-type': 'application/merge-patch+json' });
      const last = await req(
        'PATCH',
        `${ns}/item-2`,
        { metadata: { labels: { seen: 'no' } } },
        { 'content-type': 'application/merge-patch+json' },
      );
      const { events } = await pending;
      expect(events.map((e) => [e.type, e.object.metadata.resourceVersion])).toEqual([['BOOKMARK', last.json.metadata.resourceVersion]]);
    });
    it('watches one object through fieldSelector=metadata.name', async () => {
      const list = await req('GET', ns);
      const rv = list.json.metadata.resourceVersion;
      const pending = watchEvents(local.url, id, `${ns}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Ditem-1`, 1);
      await new Promise((r) => setTimeout(r, 200));
      await req('PATCH', `${ns}/item-2`, { metadata: { labels: { touched: 'yes' } } }, { 'content-type': 'application/merge-patch+json' });
      await req('PATCH', `${ns}/item-1`, { metadata: { labels: { touched: 'yes' } } }, { 'content-type': 'application/merge-patch+json' });
      const { events } = await pending;
      expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['MODIFIED item-1']);
    });
    it('ends the stream after timeoutSeconds', async () => {
      const started = Date.now();
      const { status } = await watchEvents(local.url, id, `${ns}?watch=true&timeoutSeconds=1&resourceVersion=1`, 1000, 10_000);
      expect(status).toBe(200);
      expect(Date.now() - started).toBeLessThan(5000);
    });
    it('sends watch events as one-row Tables, with column definitions only in the first', async () => {
      const { events: tables } = await watchEvents(local.url, id, `${ns}?watch=true&labelSelector=parity%3Dodd`, 2, 5000, {
        accept: TABLE_ACCEPT,
      });
      expect(tables[0].object.kind).toBe('Table');
      expect(tables[0].object.columnDefinitions.length).toBeGreaterThan(0);
      expect(tables[1].object.columnDefinitions ?? []).toEqual([]);
      expect(tables[0].object.rows).toHaveLength(1);
    });
  });

  describe("PartialObjectMetadata, as client-go's metadata client asks for it", () => {
    // The Accept headers of k8s.io/client-go/metadata (less protobuf, which is not served).
    const META = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
    const META_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

    it("answers a get with the object's metadata alone", async () => {
      const res = await req('GET', `${ns}/item-0`, undefined, { accept: META });
      expect(res.status).toBe(200);
      expect(Object.keys(res.json).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
      expect(res.json).toMatchObject({
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: { name: 'item-0', labels: { parity: 'even' } },
      });
    });

    it('answers a list with a PartialObjectMetadataList, paged like any list', async () => {
      const res = await req('GET', `${ns}?limit=2&labelSelector=parity%3Deven`, undefined, { accept: META_LIST });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        kind: 'PartialObjectMetadataList',
        apiVersion: 'meta.k8s.io/v1',
        metadata: { continue: expect.any(String) },
      });
      expect(res.json.items).toEqual([
        expect.objectContaining({ metadata: expect.objectContaining({ name: 'item-0' }) }),
        expect.objectContaining({ metadata: expect.objectContaining({ name: 'item-2' }) }),
      ]);
      // Each item is a PartialObjectMetadata with its kind, as upstream's asPartialObjectMetadataList sets its GVK.
      expect(
        res.json.items.every(
          (i: Record<string, unknown>) =>
            Object.keys(i).join() === 'kind,apiVersion,metadata' && i.kind === 'PartialObjectMetadata' && i.apiVersion === 'meta.k8s.io/v1',
        ),
      ).toBe(true);
    });

    it('answers 406 when the kind does not fit the response, as upstream does', async () => {
      expect(
        (await req('GET', ns, undefined, { accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' })).json,
      ).toMatchObject({
        code: 406,
        reason: 'NotAcceptable',
        message: 'you requested PartialObjectMetadata, but the requested object is a list (FlunderList)',
      });
      expect(
        (await req('GET', `${ns}/item-0`, undefined, { accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1' }))
          .status,
      ).toBe(406);
    });

    it('sends watch events whose objects are PartialObjectMetadata', async () => {
      const { events } = await watchEvents(local.url, id, `${ns}?watch=true&labelSelector=parity%3Dodd`, 2, 5000, { accept: META });
      expect(events.map((e) => `${e.type} ${e.object.kind} ${e.object.metadata.name}`)).toEqual([
        'ADDED PartialObjectMetadata item-1',
        'ADDED PartialObjectMetadata item-3',
      ]);
      expect(events[0].object.spec).toBeUndefined();
    });
  });

  describe('HTTP/2', () => {
    it('serves a GET and a watch stream over one HTTP/2 session, with the client certificate', async () => {
      const { connect } = await import('node:http2');
      const session = connect(local.url, { ca: id.ca, cert: id.cert, key: id.key });
      try {
        const get = (path: string): Promise<{ status: number; body: string }> =>
          new Promise((resolve, reject) => {
            const stream = session.request({ ':path': path });
            let status = 0;
            let body = '';
            stream.on('response', (h) => {
              status = Number(h[':status']);
            });
            stream.on('data', (c: Buffer) => {
              body += c.toString();
            });
            stream.on('end', () => resolve({ status, body }));
            stream.on('error', reject);
          });
        const one = await get(`${ns}/item-0`);
        expect(one.status).toBe(200);
        expect(JSON.parse(one.body).metadata.name).toBe('item-0');
        const watched = await get(`${ns}?watch=true&labelSelector=parity%3Dodd&timeoutSeconds=1`);
        expect(watched.status).toBe(200);
        expect(
          watched.body
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l).type),
        ).toEqual(['ADDED', 'ADDED']);
      } finally {
        session.close();
      }
    });
  });

  describe('health and discovery', () => {
    it('reports readiness, verbosely on request', async () => {
      const res = await req('GET', '/readyz?verbose');
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/\[\+\]storage ok/);
      expect(res.text).toMatch(/readyz check passed/);
    });
    it('serves /apis as aggregated discovery v2 with an ETag, and 304 for a matching If-None-Match', async () => {
      const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
      const res = await req('GET', '/apis', undefined, { accept });
      expect(res.json.kind).toBe('APIGroupDiscoveryList');
      const etag = String(res.headers.etag);
      const again = await req('GET', '/apis', undefined, { accept, 'if-none-match': etag });
      expect(again.status).toBe(304);
      const v1 = await req('GET', '/apis');
      expect(v1.json.kind).toBe('APIGroupList');
    });
  });

  describe('details clients depend on', () => {
    const beta = '/apis/wardle.example.com/v1beta1/namespaces/contract/flunders';

    it('answers a wrong method on discovery paths with 405, as the sample-apiserver does', async () => {
      for (const [method, path] of [
        ['POST', '/apis'],
        ['PUT', '/apis/wardle.example.com'],
        ['DELETE', '/apis/wardle.example.com/v1alpha1'],
      ]) {
        const res = await req(method as string, path as string);
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.json).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed' });
      }
    });

    it('serves the Table version asked for, and 406 to an Accept that names only aggregated discovery v2beta1', async () => {
      const v1beta1 = await req('GET', ns, undefined, { accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io' });
      expect(v1beta1.json).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1beta1' });
      const old = await req('GET', '/apis', undefined, {
        accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
      });
      expect(old.status).toBe(406);
      expect(old.json).toMatchObject({ kind: 'Status', reason: 'NotAcceptable' });
    });

    it("gives each Table of a watch its object's resourceVersion", async () => {
      const watched = await watchEvents(local.url, id, `${ns}?watch=true`, 2, 5000, { accept: TABLE_ACCEPT });
      for (const ev of watched.events) {
        expect(ev.object.kind).toBe('Table');
        expect(ev.object.metadata.resourceVersion).toBe(ev.object.rows[0].object.metadata.resourceVersion);
      }
    });

    it('accepts sendInitialEvents without allowWatchBookmarks, as apimachinery v0.37 does', async () => {
      const watched = await watchEvents(
        local.url,
        id,
        `${ns}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`,
        1,
        5000,
      );
      expect(watched.status).toBe(200);
      expect(watched.events[0].type).toBe('ADDED');
    });

    it('serves the legacy /watch/ paths, for a collection and for one object', async () => {
      const all = await watchEvents(local.url, id, '/apis/wardle.example.com/v1alpha1/watch/namespaces/contract/flunders', 2, 5000);
      // The current state, as ADDED events (a chunk may carry more than the two waited for).
      expect(all.events.length).toBeGreaterThanOrEqual(2);
      expect(new Set(all.events.map((e) => e.type))).toEqual(new Set(['ADDED']));
      const one = await watchEvents(local.url, id, '/apis/wardle.example.com/v1alpha1/watch/namespaces/contract/flunders/item-3', 1, 5000);
      expect(one.events).toEqual([
        expect.objectContaining({
          type: 'ADDED',
          object: expect.objectContaining({ metadata: expect.objectContaining({ name: 'item-3' }) }),
        }),
      ]);
      const everywhere = await watchEvents(local.url, id, '/apis/wardle.example.com/v1alpha1/watch/flunders', 1, 5000);
      expect(everywhere.status).toBe(200);
    });

    it('marks API responses, errors included, Cache-Control: no-cache, private', async () => {
      expect((await req('GET', `${ns}/item-0`)).headers['cache-control']).toBe('no-cache, private');
      expect((await req('GET', `${ns}/missing`)).headers['cache-control']).toBe('no-cache, private');
      // Once, on a watch stream too, whose head the handler writes itself.
      expect((await watchEvents(local.url, id, `${ns}?watch=true&timeoutSeconds=1`, 1, 3000)).headers['cache-control']).toBe(
        'no-cache, private',
      );
      expect(
        (await req('GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' })).headers[
          'cache-control'
        ],
      ).toBe('public');
    });

    it('writes an error Status in YAML to a client that asked for YAML', async () => {
      const res = await req('GET', `${ns}/missing`, undefined, { accept: 'application/yaml' });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('application/yaml');
      expect(res.text).toMatch(/^kind: Status\n/);
      expect(res.text).toContain('reason: NotFound');
    });

    it('sends JSON as application/json, with no charset added, as kube-apiserver does', async () => {
      expect((await req('GET', `${ns}/item-0`)).headers['content-type']).toBe('application/json');
      expect(
        (await req('GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' })).headers[
          'content-type'
        ],
      ).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    });

    it('lists in OpenAPI what upstream lists: discovery paths, legacy watch paths, and the PATCH content types', async () => {
      const v2 = (await req('GET', '/openapi/v2')).json;
      expect(v2.paths['/apis/wardle.example.com/']?.get.operationId).toBe('getWardleExampleComAPIGroup');
      expect(v2.paths['/apis/wardle.example.com/v1alpha1/']?.get.operationId).toBe('getWardleExampleComV1alpha1APIResources');
      expect(v2.paths['/apis/wardle.example.com/v1alpha1/watch/namespaces/{namespace}/flunders']?.get.operationId).toBe(
        'watchNamespacedFlunderList',
      );
      expect(v2.paths['/apis/wardle.example.com/v1alpha1/namespaces/{namespace}/flunders/{name}/status']?.get.operationId).toBe(
        'readNamespacedFlunderStatus',
      );
      expect(v2.paths['/apis/wardle.example.com/v1alpha1/namespaces/{namespace}/flunders/{name}']?.patch.consumes).toEqual([
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/apply-patch+yaml',
      ]);
      const root = (await req('GET', '/openapi/v3')).json;
      expect(Object.keys(root.paths).sort()).toEqual([
        'apis/wardle.example.com',
        'apis/wardle.example.com/v1alpha1',
        'apis/wardle.example.com/v1beta1',
      ]);
      const group = await req('GET', root.paths['apis/wardle.example.com'].serverRelativeURL);
      expect(Object.keys(group.json.paths)).toEqual(['/apis/wardle.example.com/']);
      const v3 = (await req('GET', root.paths['apis/wardle.example.com/v1beta1'].serverRelativeURL)).json;
      expect(
        Object.keys(v3.paths['/apis/wardle.example.com/v1beta1/namespaces/{namespace}/flunders/{name}'].patch.requestBody.content),
      ).toEqual(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
    });

    it("reports a referenceType that is neither Flunder nor Fischer once, as the sample's validation does", async () => {
      const res = await req('POST', beta, {
        apiVersion: 'wardle.example.com/v1beta1',
        kind: 'Flunder',
        metadata: { name: 'bad-type' },
        spec: { referenceType: 'Bogus' },
      });
      expect(res.status).toBe(422);
      expect(res.json.details.causes).toEqual([
        { reason: 'FieldValueInvalid', field: 'spec.referenceType', message: 'Invalid value: "Bogus": must be Flunder or Fischer' },
      ]);
    });

    it("warns on every request to the deprecated v1alpha1, with the sample-apiserver's text, and never on v1beta1", async () => {
      const warning = '299 - "wardle.example.com/v1alpha1 Flunder is deprecated in v1.3+, unavailable in v1.10+"';
      expect((await req('GET', ns)).headers.warning).toBe(warning);
      expect((await req('GET', `${ns}/missing`)).headers.warning).toBe(warning);
      const watched = await watchEvents(local.url, id, `${ns}?watch=true&timeoutSeconds=1`, 1, 3000);
      expect(watched.headers.warning).toBe(warning);
      expect((await req('GET', beta)).headers.warning).toBeUndefined();
    });
  });
});
