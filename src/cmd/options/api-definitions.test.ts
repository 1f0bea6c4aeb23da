import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinDefinitionsPath } from '../../registry/definitions/load.js';
import { APIDefinitionsOptions } from './api-definitions.js';

const loadServedDefinitions = (paths: string[]) => Object.assign(new APIDefinitionsOptions(), { apiDefinitions: paths }).load();

describe('--api-definitions', () => {
  it("serves the built-in group with Flunder's conversion and strategy, and none for Fischer", async () => {
    const [flunders, fischers] = await loadServedDefinitions([]);
    expect(flunders?.strategy).toBeDefined();
    expect(fischers?.strategy).toBeUndefined();
    const beta = flunders?.convert(
      { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: {}, spec: { reference: 'x', referenceType: 'Fischer' } },
      'v1beta1',
    );
    expect(beta).toMatchObject({ apiVersion: 'wardle.example.com/v1beta1', spec: { fischerReference: 'x', referenceType: 'Fischer' } });
    expect(flunders?.convert(beta as never, 'v1alpha1').spec).toEqual({ reference: 'x', referenceType: 'Fischer' });
  });

  it('keeps the code rules for the shipped file: a copy of it is served as plain CRDs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'served-defs-'));
    try {
      const copy = join(dir, 'wardle.yaml');
      copyFileSync(builtinDefinitionsPath(), copy);
      const [flunders] = await loadServedDefinitions([copy]);
      expect(flunders?.strategy).toBeUndefined();
      expect((await loadServedDefinitions([builtinDefinitionsPath()]))[0]?.strategy).toBeDefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
