/**
 * A list larger than STREAMED_LIST_ITEMS goes out in chunks (no Content-Length, the body never one string)
 * and reads back exactly as the same list read in pages; a smaller one is still one body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/cmd/local.js';
import { STREAMED_LIST_ITEMS } from '../../src/endpoints/serializer.js';
import { call, type ClientIdentity, watchEvents } from '../support/client.js';
import { startTestServer, tempDir } from '../support/local.js';

const path = (ns: string, version = 'v1alpha1') => `/apis/wardle.example.com/${version}/namespaces/${ns}/flunders`;
const TABLE = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
/** Every page of a list at one resourceVersion, `limit` items at a time. */
async function pages(url: string, id: ClientIdentity, base: string, resourceVersion: string, limit: number, headers = {}) {
  const out: { items?: unknown[]; rows?: unknown[] }[] = [];
  let token = '';
  do {
    const query = token ? `continue=${encodeURIComponent(token)}` : `resourceVersion=${resourceVersion}&resourceVersionMatch=Exact`;
    const page = await call(url, id, 'GET', `${base}${base.includes('?') ? '&' : '?'}limit=${limit}&${query}`, undefined, headers);
    expect(page.status).toBe(200);
    out.push(page.json);
    token = page.json.metadata.continue ?? '';
  } while (token);
  return out;
}
const flunder = (name: string) => ({
  apiVersion: 'wardle.example.com/v1alpha1',
  kind: 'Flunder',
  metadata: { name },
  spec: { reference: name },
});

describe('large lists', () => {
  const dir = tempDir('large-list-it-');
  let local: LocalServer;
  let id: ClientIdentity;
  const count = STREAMED_LIST_ITEMS + 250;

  beforeAll(async () => {
    local = await startTestServer(dir.path);
    id = { ca: local.ca, cert: local.adminCert, key: local.adminKey };
    // Sixteen writers at a time: the group commit syncs them together.
    const names = Array.from({ length: count }, (_, i) => `f-${String(i).padStart(5, '0')}`);
    for (let i = 0; i < names.length; i += 16) {
      const batch = await Promise.all(names.slice(i, i + 16).map((n) => call(local.url, id, 'POST', path('big'), flunder(n))));
      for (const r of batch) expect(r.status).toBe(201);
    }
    expect((await call(local.url, id, 'POST', path('small'), flunder('one'))).status).toBe(201);
    // Two labelled objects past the first STREAMED_LIST_ITEMS: a selector's first match is not in its first piece.
    const merge = { 'content-type': 'application/merge-patch+json' };
    for (const n of [1100, 1200]) {
      const labelled = await call(local.url, id, 'PATCH', `${path('big')}/${names[n]}`, { metadata: { labels: { pick: 'yes' } } }, merge);
      expect(labelled.status).toBe(200);
    }
  }, 120_000);
  afterAll(async () => {
    await local?.server.shutdown();
    dir.remove();
  });

  it('streams a list of more than STREAMED_LIST_ITEMS objects, equal to the same list read in pages', async () => {
    const whole = await call(local.url, id, 'GET', path('big'));
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('application/json');
    expect(whole.headers['content-length']).toBeUndefined();
    expect(whole.json.kind).toBe('FlunderList');
    expect(whole.json.items).toHaveLength(count);

    const paged: unknown[] = [];
    let token = '';
    do {
      // The first page at the whole list's resourceVersion; a continue token carries it on.
      const query = token
        ? `continue=${encodeURIComponent(token)}`
        : `resourceVersion=${whole.json.metadata.resourceVersion}&resourceVersionMatch=Exact`;
      const page = await call(local.url, id, 'GET', `${path('big')}?limit=400&${query}`);
      expect(page.status).toBe(200);
      paged.push(...page.json.items);
      token = page.json.metadata.continue ?? '';
    } while (token);
    expect(whole.json.items).toEqual(paged);
  });

  it('streams a Table of more than STREAMED_LIST_ITEMS rows, equal to the Tables of the same list read in pages', async () => {
    const accept = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
    type Table = { columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { metadata: { name: string } } }[] };
    // Ages tick during the test: compared apart, as the text of a duration.
    const withoutAges = (t: Table) => {
      const age = t.columnDefinitions.findIndex((c) => c.name === 'Age');
      for (const r of t.rows) expect(r.cells[age]).toMatch(/^\d+(s|m\d*s?)$/);
      return t.rows.map((r) => ({ ...r, cells: r.cells.filter((_, i) => i !== age) }));
    };
    // Twice: the second Table comes from the rows cached by the first.
    for (let round = 0; round < 2; round++) {
      const whole = await call(local.url, id, 'GET', path('big'), undefined, accept);
      expect(whole.status).toBe(200);
      expect(whole.headers['content-length']).toBeUndefined();
      expect(whole.json.kind).toBe('Table');
      expect(whole.json.rows).toHaveLength(count);
      expect(whole.json.rows[0].object.kind).toBe('PartialObjectMetadata');
      const paged: Table['rows'] = [];
      let token = '';
      do {
        const query = token
          ? `continue=${encodeURIComponent(token)}`
          : `resourceVersion=${whole.json.metadata.resourceVersion}&resourceVersionMatch=Exact`;
        const page = await call(local.url, id, 'GET', `${path('big')}?limit=400&${query}`, undefined, accept);
        expect(page.status).toBe(200);
        expect(Number(page.headers['content-length'])).toBe(Buffer.byteLength(page.text));
        paged.push(...withoutAges(page.json));
        token = page.json.metadata.continue ?? '';
      } while (token);
      expect(withoutAges(whole.json)).toEqual(paged);
    }
  });

  it('sends a small list as one body with its length', async () => {
    const small = await call(local.url, id, 'GET', path('small'));
    expect(small.status).toBe(200);
    expect(Number(small.headers['content-length'])).toBe(Buffer.byteLength(small.text));
    expect(small.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['one']);
  });

  it('streams a list in a version other than the storage version, converted an item at a time', async () => {
    const whole = await call(local.url, id, 'GET', path('big', 'v1beta1'));
    expect(whole.status).toBe(200);
    expect(whole.headers['content-length']).toBeUndefined();
    expect(whole.json.apiVersion).toBe('wardle.example.com/v1beta1');
    expect(whole.json.items).toHaveLength(count);
    const paged = (await pages(local.url, id, path('big', 'v1beta1'), whole.json.metadata.resourceVersion, 400)).flatMap((p) => p.items);
    expect(whole.json.items).toEqual(paged);
    // Each item as a get of it in that version converts it (a path of its own).
    for (let i = 0; i < count; i += 97) {
      const item = whole.json.items[i];
      const one = await call(local.url, id, 'GET', `${path('big', 'v1beta1')}/${item.metadata.name}`);
      expect(item).toEqual(one.json);
    }
  });

  it('streams a list with a selector and no limit: only the matches, each tested as it is read', async () => {
    for (const version of ['v1alpha1', 'v1beta1']) {
      const picked = await call(local.url, id, 'GET', `${path('big', version)}?labelSelector=pick%3Dyes`);
      expect(picked.status).toBe(200);
      expect(picked.headers['content-length']).toBeUndefined();
      expect(picked.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['f-01100', 'f-01200']);
      expect(picked.json.items[0].apiVersion).toBe(`wardle.example.com/${version}`);
      // The same selector with a limit finds each page's matches first: the same items.
      const paged = await pages(local.url, id, `${path('big', version)}?labelSelector=pick%3Dyes`, picked.json.metadata.resourceVersion, 1);
      expect(picked.json.items).toEqual(paged.flatMap((p) => p.items));

      const table = await call(local.url, id, 'GET', `${path('big', version)}?labelSelector=pick%3Dyes`, undefined, TABLE);
      expect(table.status).toBe(200);
      expect(table.json.rows.map((r: { object: { metadata: { name: string } } }) => r.object.metadata.name)).toEqual([
        'f-01100',
        'f-01200',
      ]);

      for (const [ns, headers] of [
        ['big', {}],
        ['big', TABLE],
        ['small', {}],
        ['small', TABLE],
      ] as const) {
        const none = await call(local.url, id, 'GET', `${path(ns, version)}?labelSelector=pick%3Dnone`, undefined, headers);
        expect(none.status).toBe(200);
        expect(none.json.items ?? none.json.rows).toEqual([]);
      }
    }
  });

  it('streams a PartialObjectMetadataList (metadata informers), each item the metadata of the object', async () => {
    const accept = { accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1' };
    const whole = await call(local.url, id, 'GET', path('big'));
    const meta = await call(
      local.url,
      id,
      'GET',
      `${path('big')}?resourceVersion=${whole.json.metadata.resourceVersion}&resourceVersionMatch=Exact`,
      undefined,
      accept,
    );
    expect(meta.status).toBe(200);
    expect(meta.headers['content-length']).toBeUndefined();
    expect(Object.keys(meta.json)).toEqual(['kind', 'apiVersion', 'metadata', 'items']);
    expect(meta.json.kind).toBe('PartialObjectMetadataList');
    expect(meta.json.items).toEqual(
      whole.json.items.map((o: { metadata: unknown }) => ({
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: o.metadata,
      })),
    );
    const picked = await call(local.url, id, 'GET', `${path('big', 'v1beta1')}?labelSelector=pick%3Dyes`, undefined, accept);
    expect(picked.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['f-01100', 'f-01200']);
  });

  it('streams the initial state of a watch from its snapshot: every object, in order, then the end bookmark', async () => {
    const whole = await call(local.url, id, 'GET', path('big', 'v1beta1'));
    const watchList = 'watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan';
    const { events } = await watchEvents(local.url, id, `${path('big', 'v1beta1')}?${watchList}`, count + 1, 30_000);
    expect(events).toHaveLength(count + 1);
    expect(events.slice(0, count).every((e) => e.type === 'ADDED')).toBe(true);
    expect(events.slice(0, count).map((e) => e.object)).toEqual(whole.json.items);
    expect(events[count].type).toBe('BOOKMARK');
    expect(events[count].object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(Number(events[count].object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(whole.json.metadata.resourceVersion));

    const picked = await watchEvents(local.url, id, `${path('big')}?${watchList}&labelSelector=pick%3Dyes`, 3, 30_000);
    expect(picked.events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`)).toEqual(['ADDED f-01100', 'ADDED f-01200', 'BOOKMARK ']);
  });
});
