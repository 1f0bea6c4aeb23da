/**
 * Our own resources as a ValidatingAdmissionPolicy's params (a Fischer naming the Flunders it bans), read
 * from storage at the time of the request and converted to the paramKind's version. A kind we do not serve is
 * unknown here; a policy asking for it fails to configure, as upstream's does for a kind it cannot watch.
 */
import type { ParamKindSource, ParamResolver } from '../admission/plugins/policy/params.js';
import type { KubeObject } from '../apimachinery/types.js';
import type { Storage } from '../storage/interfaces.js';
import { StorageError } from '../storage/interfaces.js';
import type { ResourceDefinition } from './definitions/types.js';
import { listPrefix, objectKey } from './keys.js';

export function ownParams(definitions: readonly ResourceDefinition[], storage: Storage): ParamResolver {
  return {
    forKind(paramKind) {
      const apiVersion = paramKind.apiVersion ?? '';
      const slash = apiVersion.indexOf('/');
      const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
      const def = definitions.find((d) => d.group === group && d.names.kind === paramKind.kind);
      if (!def || !version || !def.versions.some((v) => v.name === version && v.served)) return undefined;
      const namespaced = def.scope === 'Namespaced';
      const source: ParamKindSource = {
        namespaced,
        async get(namespace, name) {
          try {
            return def.convert(await storage.get(objectKey(def, namespace, name)), version);
          } catch (err) {
            if (err instanceof StorageError && err.code === 'NotFound') return undefined;
            throw err;
          }
        },
        async list(namespace) {
          const listed = await storage.list(listPrefix(def, namespace));
          return listed.items.map((o: KubeObject) => def.convert(o, version));
        },
      };
      return source;
    },
  };
}
