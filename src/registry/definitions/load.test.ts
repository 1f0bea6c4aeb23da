import { describe, expect, it } from 'vitest';
import { CodeStrategies } from './code-strategies.js';
import { builtinDefinitionsPath, loadDefinitions, parseDefinitions } from './load.js';

const crd = (over: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.shop.example.com
spec:
  group: shop.example.com
  scope: Namespaced
  names:
    plural: widgets
    kind: Widget
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
${over}`;

describe('loadDefinitions', () => {
  it('loads the shipped wardle group', async () => {
    const defs = await loadDefinitions([builtinDefinitionsPath()]);
    expect(defs.map((d) => `${d.names.plural}.${d.group} ${d.scope} ${d.storageVersion}`)).toEqual([
      'flunders.wardle.example.com Namespaced v1alpha1',
      'fischers.wardle.example.com Cluster v1alpha1',
    ]);
    expect(defs[0]?.names).toMatchObject({ singular: 'flunder', listKind: 'FlunderList', shortNames: ['fl'] });
  });

  it('gives the kinds of a file the code strategies registered for it, by group and kind', async () => {
    const strategies = new CodeStrategies().register('shop.example.com', 'Widget', {
      conversion: (none) => (obj, to) => ({ ...none(obj, to), converted: true }),
      validate: () => [],
    });
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'defs-code-'));
    const [mine, other] = [join(dir, 'mine.yaml'), join(dir, 'other.yaml')];
    writeFileSync(mine, crd(''));
    writeFileSync(other, crd('').replaceAll('widgets', 'gadgets').replace('Widget', 'Gadget'));
    const [widget, gadget] = await loadDefinitions([mine, other], new Map([[mine, strategies]]));
    expect(widget?.strategy?.validate).toBeDefined();
    expect(widget?.convert({ apiVersion: 'shop.example.com/v1', kind: 'Widget', metadata: {} }, 'v2')).toEqual({
      apiVersion: 'shop.example.com/v2',
      kind: 'Widget',
      metadata: {},
      converted: true,
    });
    // Another kind of the group, and the same kind defined by another file, get none.
    expect(gadget?.strategy).toBeUndefined();
    const copy = join(dir, 'copy.yaml');
    writeFileSync(copy, crd(''));
    const [widgetCopy] = await loadDefinitions([copy], new Map([[mine, strategies]]));
    expect(widgetCopy?.strategy).toBeUndefined();
    expect(widgetCopy?.convert({ apiVersion: 'shop.example.com/v1', kind: 'Widget', metadata: {} }, 'v2')).not.toHaveProperty('converted');
  });

  it('defaults singular and listKind, and gives a user group conversion None', async () => {
    const [d] = await parseDefinitions(crd(''), 'w.yaml');
    expect(d?.names).toMatchObject({ singular: 'widget', listKind: 'WidgetList' });
    expect(d?.strategy).toBeUndefined();
    expect(d?.convert({ apiVersion: 'shop.example.com/v1', kind: 'Widget', metadata: {} }, 'v2').apiVersion).toBe('shop.example.com/v2');
  });

  it.each([
    [
      'an unknown field',
      crd('          colour: red\n'),
      /w.yaml:18: CustomResourceDefinition "widgets.shop.example.com": spec.versions\[0\].schema.openAPIV3Schema.colour: Forbidden/,
    ],
    [
      'an unknown spec field',
      crd('').replace('  scope: Namespaced', '  scope: Namespaced\n  scopes: x'),
      /w.yaml:8: .*spec.scopes: unknown field/,
    ],
    [
      'two storage versions',
      crd('    - name: v2\n      served: true\n      storage: true\n'),
      /spec.versions: Invalid value: must have exactly one version marked as storage version, found 2/,
    ],
    [
      'an untyped schema node',
      crd('          properties:\n            spec: {}\n'),
      /openAPIV3Schema.properties.spec.type: Required value/,
    ],
    [
      'a wrong metadata.name',
      crd('').replace('name: widgets.shop.example.com', 'name: gadgets.shop.example.com'),
      /metadata.name: Invalid value: "gadgets.shop.example.com"/,
    ],
    [
      'webhook conversion',
      crd('').replace('  scope: Namespaced', '  scope: Namespaced\n  conversion:\n    strategy: Webhook'),
      /spec.conversion.strategy: Unsupported value: "Webhook"/,
    ],
    [
      'a bad printer column type',
      crd('').replace(
        '      storage: true',
        '      storage: true\n      additionalPrinterColumns:\n        - name: X\n          type: color\n          jsonPath: .spec.x',
      ),
      /additionalPrinterColumns\[0\].type: Unsupported value: "color"/,
    ],
    [
      'a validation rule that does not compile',
      crd(
        '          properties:\n            spec:\n              type: object\n              x-kubernetes-validations:\n                - rule: "self.x =="\n',
      ),
      /w.yaml:\d+: CustomResourceDefinition "widgets.shop.example.com": spec.versions\[0\].schema.openAPIV3Schema: .*x-kubernetes-validations\[0\].rule: Invalid value: .*compilation failed/,
    ],
  ])('stops on %s, naming the file, line and field', async (_name, text, message) => {
    await expect(parseDefinitions(text, 'w.yaml')).rejects.toThrow(message);
  });

  it('refuses two definitions of one plural, naming both files', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'defs-'));
    writeFileSync(join(dir, 'a.yaml'), crd(''));
    writeFileSync(join(dir, 'b.yaml'), crd(''));
    await expect(loadDefinitions([dir])).rejects.toThrow(/b.yaml: .*plural shop.example.com\/widgets is already defined in .*a.yaml/);
  });

  it('refuses a folder with no definition in it, rather than serving nothing', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'defs-empty-'));
    await expect(loadDefinitions([dir])).rejects.toThrow(/no CustomResourceDefinition found/);
    writeFileSync(join(dir, 'notes.yaml'), '# only a comment\n');
    await expect(loadDefinitions([dir])).rejects.toThrow(`${dir}: no CustomResourceDefinition found`);
  });
});
