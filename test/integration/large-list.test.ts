/**
 * A list larger than STREAMED_LIST_ITEMS goes out in chunks (no Content-Length, the body never one string)
 * and reads back exactly as the same list read in pages; a smaller one is still one body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/cmd/local.js';
import { STREAMED_LIST_ITEMS } from '../../src/endpoints/serializer.js';
import { call, type ClientIdentity } from '../support/client.js';
import { startTestServer, tempDir } from '../support/local.js';

const path = (ns: string) => `/apis/wardle.example.com/v1alpha1/namespaces/${ns}/flunders`;
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
});
