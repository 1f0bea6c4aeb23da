import { describe, expect, it } from 'vitest';
import { parseDuration, validateOptions } from './options.js';

describe('parseDuration', () => {
  it.each([['10s', 10], ['1m30s', 90], ['500ms', 0.5], ['2h', 7200], ['15', 15]])('%s is %d seconds', (v, s) => {
    expect(parseDuration(v)).toBe(s);
  });
  it.each(['', '10x', 's', '1m 2s'])('rejects %j', (v) => {
    expect(() => parseDuration(v)).toThrow(/invalid duration/);
  });
});

describe('validateOptions', () => {
  it('reports every problem at once', () => {
    const errs = validateOptions({ securePort: 70000, tlsCertFile: 'a', storageBackend: 'etcd', etcdServers: [] });
    expect(errs).toHaveLength(4);
  });
});
