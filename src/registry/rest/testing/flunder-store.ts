/** A ResourceStore of the built-in Flunders over a real LevelDB in a temporary folder, for registry tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdmissionChain } from '../../../admission/chain.js';
import { LevelStorage, type LevelStorageOptions } from '../../../storage/level/index.js';
import { builtinDefinitionsPath, loadDefinitions } from '../../definitions/load.js';
import { wardleCodeStrategies } from '../../wardle/index.js';
import { ResourceStore } from '../resource-store.js';
import { type ResourceScope, resourceScope, type WriteOptions } from '../scope.js';

export interface FlunderStore {
  storage: LevelStorage;
  store: ResourceStore;
  /** The v1alpha1 (storage version) scope. */
  scope: ResourceScope;
  close: () => Promise<void>;
}

export async function openFlunderStore(opts: Omit<LevelStorageOptions, 'path'> = {}, admission?: AdmissionChain): Promise<FlunderStore> {
  const dir = mkdtempSync(join(tmpdir(), 'flunder-store-'));
  const storage = new LevelStorage({ path: dir, ...opts });
  await storage.open();
  const builtin = builtinDefinitionsPath();
  const [flunders] = await loadDefinitions([builtin], new Map([[builtin, wardleCodeStrategies()]]));
  const v1alpha1 = flunders?.versions[0];
  if (!flunders || !v1alpha1) throw new Error('the built-in definitions have no Flunder v1alpha1');
  return {
    storage,
    store: new ResourceStore(flunders, storage, admission),
    scope: resourceScope(flunders, v1alpha1),
    close: async () => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const strictWrite = (): WriteOptions => ({
  dryRun: false,
  fieldValidation: 'Strict',
  warnings: [],
  strictErrors: [],
  fieldManager: 'test',
});
