/**
 * The cluster's admission configuration (webhook configurations, policies, bindings), as the plugins see it:
 * the current items of a watched list. Until the first list completes admission cannot decide, so a plugin
 * waits for it (upstream's `WaitForReady`) and refuses when it does not come.
 */
export interface ConfigurationSource<T> {
  /** Resolves once the first list arrived, or false when it did not within `timeoutMs`. */
  waitForSync(timeoutMs: number): Promise<boolean>;
  /** Every item as last seen, sorted by name (upstream's order of webhook configurations). */
  items(): readonly T[];
}

/** A fixed list, for tests and for configurations given at start-up. */
export function staticSource<T>(items: T[]): ConfigurationSource<T> {
  return { waitForSync: async () => true, items: () => items };
}
