/** Parsers of flag values, in the forms the upstream flags take them. */

/** A comma-separated list; repeating the flag adds to it (`--requestheader-group-headers=a,b`). */
export const list = (v: string, prev: string[] = []): string[] => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** One value per use of the flag (`--api-definitions a --api-definitions b`). */
export const repeat = (v: string, prev: string[] = []): string[] => [...prev, v];

export const int = (v: string): number => {
  if (!/^\d+$/.test(v)) throw new Error(`not a whole number: ${v}`);
  return Number(v);
};

/** A byte quantity as Kubernetes writes one: `67108864`, `64Mi`, `1Gi`, `500k`, `2M`. */
export function parseQuantity(v: string): number {
  const m = /^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(v.trim());
  if (!m) throw new Error(`invalid quantity: ${v} (e.g. 64Mi)`);
  const unit: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(m[1]) * (unit[m[2] ?? ''] as number);
}

/** Go durations as the upstream flags take them: `10s`, `1m30s`, `500ms`, `2h`; a bare number is seconds. */
export function parseDuration(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    total += Number(m[1]) * (unit[m[2] as string] ?? 0);
    consumed = re.lastIndex;
  }
  if (consumed !== v.length || v.length === 0) throw new Error(`invalid duration: ${v}`);
  return total;
}

/** A boolean as Go's strconv.ParseBool reads one; the bare flag (`--watch-cache`) is true. */
export function bool(v: string | undefined): boolean {
  if (v === undefined || ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw new Error(`invalid boolean: ${v} (true or false)`);
}
