/** The current keys in byte order, for lists by prefix without scanning LevelDB. */
export class SortedKeys {
  private readonly keys: string[] = [];

  /** The index of the first key >= `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.keys[mid] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }

  delete(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  /** Keys starting with `prefix`, strictly after `startAfter` when given, in order. */
  range(prefix: string, startAfter?: string): string[] {
    let i = this.lowerBound(startAfter !== undefined && startAfter >= prefix ? startAfter : prefix);
    if (startAfter !== undefined && this.keys[i] === startAfter) i++;
    const out: string[] = [];
    for (; i < this.keys.length; i++) {
      const k = this.keys[i] as string;
      if (!k.startsWith(prefix)) break;
      out.push(k);
    }
    return out;
  }
}
