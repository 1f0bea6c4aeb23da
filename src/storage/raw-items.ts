/** Reading a raw list (`RawItems`) whole: for lists small enough to answer in one piece, and for tests. */
import type { RawItems } from './interfaces.js';

export async function readRaw(items: RawItems | undefined): Promise<string[]> {
  if (!items) return [];
  const out: string[] = [];
  for await (const chunk of items.chunks()) out.push(...(chunk as string[]));
  return out;
}
