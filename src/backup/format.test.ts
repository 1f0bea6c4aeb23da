import { describe, expect, it } from 'vitest';
import { BackupReader, BackupWriter } from './format.js';

async function written(objects: number): Promise<string> {
  let text = '';
  const w = new BackupWriter(
    async (chunk) => {
      text += chunk;
    },
    { resourceVersion: '7', created: '2026-11-30T00:00:00Z', resources: ['flunders.wardle.example.com'] },
  );
  for (let i = 0; i < objects; i++) {
    await w.add({
      key: `/wardle.example.com/flunders/ns/o${i}`,
      object: { apiVersion: 'wardle.example.com/v1beta1', kind: 'Flunder', metadata: { name: `o${i}`, namespace: 'ns' } },
    });
  }
  await w.end();
  return text;
}

const open = (text: string) =>
  BackupReader.open(async function* () {
    yield* text.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
  });

describe('backup format', () => {
  it('reads back what it wrote, header and objects in order', async () => {
    const r = await open(await written(3));
    expect([r.header.resourceVersion, r.count]).toEqual(['7', 3]);
    const keys: string[] = [];
    for await (const e of r.entries()) keys.push(e.key);
    expect(keys).toEqual([
      '/wardle.example.com/flunders/ns/o0',
      '/wardle.example.com/flunders/ns/o1',
      '/wardle.example.com/flunders/ns/o2',
    ]);
  });

  it('refuses what is not whole, with the line at fault', async () => {
    const text = await written(2);
    const lines = text.trimEnd().split('\n');
    const cases: [string, RegExp][] = [
      ['', /the file is empty/],
      [lines.slice(0, 3).join('\n'), /truncated: the file ends after line 3 without its end record \(2 objects read\)/],
      [[lines[0], lines[1], lines[1], lines[3]].join('\n'), /line 3: \/wardle.example.com\/flunders\/ns\/o0 appears twice/],
      [[lines[0], lines[1], lines[3]].join('\n'), /counts 2 objects, the file holds 1/],
      [text.replace('"name":"o1"', '"name":"o9"'), /line 3: key .* does not name the object's metadata.name/],
      [text.replace('"ns"}}', '"nt"}}'), /sha256 does not match/],
      [`${text}{"more":1}\n`, /line 5: data after the end record/],
      [text.replace('"apiVersion":"v1"', '"apiVersion":"v2"'), /backup format "v2" is not supported \(this version reads v1\)/],
      [`x${text}`, /line 1: not JSON \(not a backup of aggregated-apiserver\)/],
    ];
    for (const [bad, error] of cases) await expect(open(bad)).rejects.toThrow(error);
  });
});
