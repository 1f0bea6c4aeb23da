import { describe, expect, it } from 'vitest';
import { StatusError } from '../../apimachinery/errors.js';
import type { Attributes } from '../interfaces.js';
import { type Namespace, type NamespaceSource, namespaceLifecycle } from './namespace-lifecycle.js';

/** A source whose cache and cluster the test sets; `live` counts its calls. */
function source(cache: Record<string, Namespace>, cluster: Record<string, Namespace> = cache, deleted: string[] = []) {
  const calls: string[] = [];
  const s: NamespaceSource & { calls: string[] } = {
    calls,
    waitForSync: async () => true,
    cached: (name) => cache[name],
    recentlyDeleted: (name) => deleted.includes(name),
    async live(name) {
      calls.push(name);
      const ns = cluster[name];
      if (!ns) throw new StatusError({ code: 404, reason: 'NotFound', message: `namespaces "${name}" not found` });
      return ns;
    },
  };
  return s;
}

const active = (name: string): Namespace => ({ metadata: { name }, status: { phase: 'Active' } });
const terminating = (name: string): Namespace => ({ metadata: { name }, status: { phase: 'Terminating' } });

function attrs(operation: Attributes['operation'], namespace: string, name = 'f'): Attributes {
  return {
    operation,
    kind: { group: 'wardle.example.com', version: 'v1alpha1', kind: 'Flunder' },
    resource: { group: 'wardle.example.com', version: 'v1alpha1', resource: 'flunders' },
    subresource: '',
    namespace,
    name,
    object: { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { name, namespace } },
    dryRun: false,
  };
}

async function refusal(p: Promise<void>): Promise<StatusError['status']> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return err.status;
    throw err;
  }
  throw new Error('admitted');
}

describe('NamespaceLifecycle', () => {
  it('admits a create in an active namespace from the cache, without asking the cluster', async () => {
    const s = source({ a: active('a') });
    await namespaceLifecycle(s).admit?.(attrs('CREATE', 'a'));
    expect(s.calls).toEqual([]);
  });

  it('refuses a create in a namespace that exists nowhere with the cluster\u2019s 404', async () => {
    const s = source({});
    const status = await refusal(namespaceLifecycle(s).admit!(attrs('CREATE', 'gone')) as Promise<void>);
    expect(status).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "gone" not found' });
    expect(s.calls).toEqual(['gone']);
  });

  it('admits a create in a namespace the cache has not seen yet but the cluster has', async () => {
    const s = source({}, { fresh: active('fresh') });
    await namespaceLifecycle(s).admit?.(attrs('CREATE', 'fresh'));
    expect(s.calls).toEqual(['fresh']);
  });

  it('refuses a create in a terminating namespace with 403 and the NamespaceTerminating cause', async () => {
    const status = await refusal(namespaceLifecycle(source({ t: terminating('t') })).admit!(attrs('CREATE', 't', 'x')) as Promise<void>);
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      code: 403,
      reason: 'Forbidden',
      message: 'flunders.wardle.example.com "x" is forbidden: unable to create new content in namespace t because it is being terminated',
      details: {
        name: 'x',
        group: 'wardle.example.com',
        kind: 'flunders',
        causes: [{ reason: 'NamespaceTerminating', message: 'namespace t is being terminated', field: 'metadata.namespace' }],
      },
    });
  });

  it('admits updates in a terminating namespace (finalizers must still be removable), refuses them in a missing one', async () => {
    await namespaceLifecycle(source({ t: terminating('t') })).admit?.(attrs('UPDATE', 't'));
    const status = await refusal(namespaceLifecycle(source({})).admit!(attrs('UPDATE', 'gone')) as Promise<void>);
    expect(status.code).toBe(404);
  });

  it('asks the cluster when a namespace the cache shows active was just seen deleted', async () => {
    const s = source({ re: active('re') }, {}, ['re']);
    const status = await refusal(namespaceLifecycle(s).admit!(attrs('CREATE', 're')) as Promise<void>);
    expect(status.code).toBe(404);
    expect(s.calls).toEqual(['re']);
  });

  it('leaves deletes and cluster-scoped resources alone', async () => {
    const p = namespaceLifecycle(source({}));
    expect(p.handles('DELETE')).toBe(false);
    await p.admit?.(attrs('CREATE', ''));
  });

  it('refuses with 403 while the namespaces were never listed', async () => {
    const s = { ...source({}), waitForSync: async () => false };
    const status = await refusal(namespaceLifecycle(s).admit!(attrs('CREATE', 'a')) as Promise<void>);
    expect(status).toMatchObject({ code: 403, message: 'flunders.wardle.example.com "f" is forbidden: not yet ready to handle request' });
  });
});
