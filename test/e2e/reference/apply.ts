/**
 * Server-side apply on the Widget CRD, the same sequence against kube-apiserver and us: several appliers
 * and updaters over set, map and atomic lists and an atomic map, conflicts and force, fields an applier
 * stops applying, /status, dry-run, duplicate and unknown fields, another version, and managedFields reset.
 * Every answer's object, managedFields included, must be kube-apiserver's (times aside).
 */
import type { Context, Obj, RequestSpec } from './runner.js';
import { widgets } from './subjects.js';

const APPLY = { 'content-type': 'application/apply-patch+yaml' };
const MERGE = { 'content-type': 'application/merge-patch+json' };

export function applyRequests(): RequestSpec[] {
  const item = (v: string, name: string): string => `/apis/shop.example.com/${v}/namespaces/${widgets.namespace}/widgets/${name}`;
  const w = item('v1', 'ssa');
  const config = (spec: Obj, extra: Obj = {}, v = 'v1'): Obj => ({
    apiVersion: `shop.example.com/${v}`,
    kind: 'Widget',
    metadata: { name: 'ssa', ...extra },
    spec,
  });
  const scale = (replicas: number): Obj => ({
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: 'ssa-scale' },
    spec: { replicas },
  });
  const as = (manager: string, query = ''): string => `${w}?fieldManager=${manager}${query}`;
  const rs: Omit<RequestSpec, 'topic'>[] = [
    {
      name: 'apply creates (alice)',
      method: 'PATCH',
      path: as('alice'),
      headers: APPLY,
      body: config(
        {
          color: 'red',
          tags: ['x', 'y'],
          ports: [
            { port: 80, name: 'http' },
            { port: 443, protocol: 'UDP' },
          ],
          args: ['a', 'b'],
          selector: { app: 'w' },
          settings: { mode: 'fast', level: 2 },
        },
        { labels: { team: 'a', tier: 'gold' }, annotations: { note: 'x' } },
      ),
    },
    { name: 'apply conflicts (bob)', method: 'PATCH', path: as('bob'), headers: APPLY, body: config({ color: 'blue', tags: ['z'] }) },
    {
      name: 'apply two conflicts (bob)',
      method: 'PATCH',
      path: as('bob'),
      headers: APPLY,
      body: config({ color: 'blue', args: ['q'], ports: [{ port: 80, name: 'web' }] }),
    },
    {
      name: 'apply shares fields (bob)',
      method: 'PATCH',
      path: as('bob'),
      headers: APPLY,
      body: config(
        { color: 'red', tags: ['x', 'z'], ports: [{ port: 80, name: 'http' }], settings: { mode: 'fast' } },
        { labels: { team: 'a' } },
      ),
    },
    {
      name: 'apply drops fields (alice)',
      method: 'PATCH',
      path: as('alice'),
      headers: APPLY,
      body: config({ color: 'red', args: ['a'] }),
    },
    {
      name: 'merge patch update (carol)',
      method: 'PATCH',
      path: as('carol'),
      headers: MERGE,
      body: { spec: { args: ['c'], replicas: 2 } },
    },
    {
      name: 'apply conflicts with an updater',
      method: 'PATCH',
      path: as('alice'),
      headers: APPLY,
      body: config({ color: 'red', args: ['a'] }),
    },
    { name: 'apply force', method: 'PATCH', path: as('alice', '&force=true'), headers: APPLY, body: config({ color: 'red', args: ['a'] }) },
    {
      name: 'update by put (dave)',
      method: 'PUT',
      path: as('dave'),
      body: (c: Context) => ({ ...c.json('apply force'), spec: { ...c.json('apply force').spec, color: 'green', tags: ['x', 'z', 'd'] } }),
    },
    {
      name: 'apply status (ctrl)',
      method: 'PATCH',
      path: `${w}/status?fieldManager=ctrl`,
      headers: APPLY,
      body: { ...config({ color: 'blue' }), status: { replicas: 4 } },
    },
    {
      name: 'apply status to the main resource',
      method: 'PATCH',
      path: as('erin'),
      headers: APPLY,
      body: { ...config({ replicas: 3 }), status: { replicas: 9 } },
    },
    { name: 'apply dry run', method: 'PATCH', path: as('frank', '&dryRun=All'), headers: APPLY, body: config({ color: 'blue' }) },
    {
      name: 'apply dry run forced',
      method: 'PATCH',
      path: as('frank', '&dryRun=All&force=true'),
      headers: APPLY,
      body: config({ color: 'blue' }),
    },
    { name: 'get after applies', method: 'GET', path: w },
    {
      name: 'apply duplicate key, strict',
      method: 'PATCH',
      path: as('gina', '&fieldValidation=Strict'),
      headers: APPLY,
      body: 'apiVersion: shop.example.com/v1\nkind: Widget\nmetadata:\n  name: ssa\nspec:\n  color: red\n  color: red\n',
    },
    {
      name: 'apply duplicate key, warn',
      method: 'PATCH',
      path: as('gina'),
      headers: APPLY,
      body: 'apiVersion: shop.example.com/v1\nkind: Widget\nmetadata:\n  name: ssa\nspec:\n  replicas: 3\n  replicas: 3\n',
    },
    { name: 'apply unknown field', method: 'PATCH', path: as('gina'), headers: APPLY, body: config({ color: 'green', bogus: 1 }) },
    {
      name: 'apply in another version',
      method: 'PATCH',
      path: as('gina'),
      headers: APPLY,
      body: config({ color: 'green' }, {}, 'v1beta1'),
    },
    {
      name: 'apply with managedFields',
      method: 'PATCH',
      path: as('gina'),
      headers: APPLY,
      body: config({}, { managedFields: [{ manager: 'x', operation: 'Apply' }] }),
    },
    { name: 'apply of another kind', method: 'PATCH', path: as('gina'), headers: APPLY, body: { ...config({}), kind: 'Gadget' } },
    {
      name: 'apply without a name',
      method: 'PATCH',
      path: as('gina'),
      headers: APPLY,
      body: { ...config({ color: 'green' }), metadata: {} },
    },
    { name: 'apply json body', method: 'PATCH', path: as('hal'), headers: APPLY, body: JSON.stringify(config({ color: 'green' })) },
    { name: 'apply force on a merge patch', method: 'PATCH', path: as('hal', '&force=true'), headers: MERGE, body: { spec: {} } },
    {
      name: 'apply via v1beta1',
      method: 'PATCH',
      path: `${item('v1beta1', 'ssa')}?fieldManager=ivy`,
      headers: APPLY,
      body: config({ color: 'blue', extra: { a: 1 } }, {}, 'v1beta1'),
    },
    // Fields v1 does not know fail above: upstream compares the object in v1 for v1's managers.
    {
      name: 'apply via v1beta1, known fields',
      method: 'PATCH',
      path: `${item('v1beta1', 'ssa')}?fieldManager=ivy`,
      headers: APPLY,
      body: config({ color: 'blue', replicas: 3 }, {}, 'v1beta1'),
    },
    { name: 'get in v1beta1', method: 'GET', path: item('v1beta1', 'ssa') },
    { name: 'get before reset', method: 'GET', path: w },
    // A custom resource's metadata goes through ObjectMeta, whose encoding drops an empty list: only one
    // empty entry resets managedFields.
    {
      name: 'put with empty managedFields keeps them',
      method: 'PUT',
      path: w,
      body: (c: Context) => ({ ...c.json('get before reset'), metadata: { ...c.json('get before reset').metadata, managedFields: [] } }),
    },
    {
      name: 'put resets managedFields',
      method: 'PUT',
      path: w,
      body: (c: Context) => {
        const live = c.json('put with empty managedFields keeps them');
        return { ...live, metadata: { ...live.metadata, managedFields: [{}] } };
      },
    },
    {
      name: 'update of an untracked object',
      method: 'PATCH',
      path: as('jo'),
      headers: MERGE,
      body: { spec: { color: 'red' } },
    },
    { name: 'apply after reset', method: 'PATCH', path: as('kim'), headers: APPLY, body: config({ replicas: 5 }) },
    {
      name: 'apply to missing status',
      method: 'PATCH',
      path: `${item('v1', 'ssa-none')}/status?fieldManager=ctrl`,
      headers: APPLY,
      body: { ...config({}), metadata: { name: 'ssa-none' }, status: { replicas: 1 } },
    },
    {
      name: 'apply create dry run',
      method: 'PATCH',
      path: `${item('v1', 'ssa-dry')}?fieldManager=alice&dryRun=All`,
      headers: APPLY,
      body: { ...config({ color: 'red' }), metadata: { name: 'ssa-dry' } },
    },
    { name: 'get after apply dry-run create', method: 'GET', path: item('v1', 'ssa-dry') },
    { name: 'delete the ssa object', method: 'DELETE', path: w },
    // Managed fields a client sends: invalid ones are replaced by the server's, valid ones are taken as given.
    {
      name: 'create with invalid managedFields',
      method: 'POST',
      path: `/apis/shop.example.com/v1/namespaces/${widgets.namespace}/widgets?fieldManager=lee`,
      body: {
        ...config({ color: 'red' }),
        metadata: { name: 'ssa-mf', managedFields: [{ manager: 'x', operation: 'Bogus', fieldsType: 'FieldsV1' }] },
      },
    },
    {
      name: 'update giving managedFields',
      method: 'PUT',
      path: `${item('v1', 'ssa-mf')}?fieldManager=lee`,
      body: (c: Context) => {
        const live = c.json('create with invalid managedFields');
        const given = [
          {
            manager: 'someone',
            operation: 'Apply',
            apiVersion: 'shop.example.com/v1',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:spec': { 'f:color': {} } },
          },
        ];
        return { ...live, metadata: { ...live.metadata, managedFields: given }, spec: { ...live.spec, replicas: 4 } };
      },
    },
    { name: 'delete ssa-mf', method: 'DELETE', path: item('v1', 'ssa-mf') },
    // An applier's finalizer goes when it stops applying it, and with it the object being deleted.
    {
      name: 'apply with a finalizer',
      method: 'PATCH',
      path: `${item('v1', 'ssa-fin')}?fieldManager=alice`,
      headers: APPLY,
      body: { ...config({ color: 'red' }), metadata: { name: 'ssa-fin', finalizers: ['example.com/hold'] } },
    },
    { name: 'delete the finalized object', method: 'DELETE', path: item('v1', 'ssa-fin') },
    {
      name: 'apply while deleting',
      method: 'PATCH',
      path: `${item('v1', 'ssa-fin')}?fieldManager=alice`,
      headers: APPLY,
      body: { ...config({ color: 'blue' }), metadata: { name: 'ssa-fin', finalizers: ['example.com/hold'] } },
    },
    {
      name: 'apply without the finalizer',
      method: 'PATCH',
      path: `${item('v1', 'ssa-fin')}?fieldManager=alice`,
      headers: APPLY,
      body: { ...config({ color: 'blue' }), metadata: { name: 'ssa-fin' } },
    },
    { name: 'get the finalized object', method: 'GET', path: item('v1', 'ssa-fin') },
    // Apply through /scale: the Scale's managers are the object's managers of its replicas.
    {
      name: 'apply replicas (alice)',
      method: 'PATCH',
      path: `${item('v1', 'ssa-scale')}?fieldManager=alice`,
      headers: APPLY,
      body: { ...config({ color: 'red', replicas: 2 }), metadata: { name: 'ssa-scale' } },
    },
    {
      name: 'apply scale conflicts (hpa)',
      method: 'PATCH',
      path: `${item('v1', 'ssa-scale')}/scale?fieldManager=hpa`,
      headers: APPLY,
      body: scale(5),
    },
    {
      name: 'apply scale unchanged (alice)',
      method: 'PATCH',
      path: `${item('v1', 'ssa-scale')}/scale?fieldManager=alice`,
      headers: APPLY,
      body: scale(2),
    },
    {
      name: 'apply scale forced (hpa)',
      method: 'PATCH',
      path: `${item('v1', 'ssa-scale')}/scale?fieldManager=hpa&force=true`,
      headers: APPLY,
      body: scale(5),
    },
    { name: 'get after scale apply', method: 'GET', path: item('v1', 'ssa-scale') },
    { name: 'delete ssa-scale', method: 'DELETE', path: item('v1', 'ssa-scale') },
  ];
  return rs.map((r) => ({ ...r, topic: 'server-side apply and managedFields' }));
}
