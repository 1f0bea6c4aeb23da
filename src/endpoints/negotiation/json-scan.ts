/**
 * What JSON.parse does not tell: duplicate keys (which kube-apiserver's strict decoder reports as
 * `duplicate field "spec.reference"`, an error under fieldValidation=Strict and a warning under Warn; the
 * last value wins either way, as in Go) and nesting depth. One pass over text JSON.parse already accepted.
 */

/**
 * The deepest nesting a body may have. Go's decoder allows 10,000 levels; in V8, structuredClone and
 * JSON.stringify of a cloned object overflow the default stack at about 1,900 levels, so bodies deeper than
 * 1,000 (half that, for the stack the request path itself uses) are refused with 400 before they reach them.
 * No Kubernetes object comes near either limit.
 */
export const MAX_JSON_DEPTH = 1_000;

export interface JsonScan {
  /** Paths of repeated keys, as the strict decoder writes them: `spec.reference`, `spec.items[0].name`. */
  duplicates: string[];
  /** The nesting went past MAX_JSON_DEPTH. */
  tooDeep: boolean;
}

interface Frame {
  /** Keys seen so far in an object; undefined for an array. */
  keys?: Set<string>;
  /** The path of this container. */
  path: string;
  /** The next array index. */
  index: number;
  /** The key whose value is being read (objects). */
  key?: string;
}

/** Scans valid JSON text. Never throws on valid JSON. */
export function scanJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonScan {
  const duplicates: string[] = [];
  const stack: Frame[] = [];
  const childPath = (parent: Frame | undefined): string => {
    if (!parent) return '';
    if (parent.keys) return parent.path ? `${parent.path}.${parent.key ?? ''}` : (parent.key ?? '');
    return `${parent.path}[${parent.index}]`;
  };
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) {
          escaped = true;
          j++;
          continue;
        }
        if (d === 0x22) break;
      }
      if (expectKey) {
        const raw = text.slice(i + 1, j);
        const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        const top = stack[stack.length - 1] as Frame;
        const keys = top.keys as Set<string>;
        top.key = key;
        if (keys.has(key)) duplicates.push(top.path ? `${top.path}.${key}` : key);
        else keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) return { duplicates, tooDeep: true };
      const parent = stack[stack.length - 1];
      const path = childPath(parent);
      stack.push(c === 0x7b ? { keys: new Set(), path, index: 0 } : { path, index: 0 });
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    }
  }
  return { duplicates, tooDeep: false };
}
