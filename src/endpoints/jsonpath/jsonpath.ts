/**
 * The simple JSONPath of CRD printer columns and selectable fields (a subset of kubectl's): `.a.b`,
 * `.a[0]`, `.a[*].b`, `.a['x.y']`, and filters such as `.conditions[?(@.type=="Ready")].status`;
 * an optional `{...}` wrapper. Returns every value found, in order.
 */

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: string[]; op: '==' | '!='; value: string };

function parse(path: string): Step[] {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim();
  if (p.startsWith('$')) p = p.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === '.') {
      let j = i + 1;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
      const name = p.slice(i + 1, j);
      if (name) steps.push({ kind: 'field', name });
      i = j;
    } else if (c === '[') {
      const end = p.indexOf(']', p.startsWith('[?(', i) ? p.indexOf(')]', i) : i);
      if (end < 0) throw new Error(`unclosed [ in ${path}`);
      const inner = p.slice(i + 1, end);
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else {
        const m = /^\?\(@((?:\.[^.=!]+)+)\s*(==|!=)\s*["']?(.*?)["']?\)$/.exec(inner);
        if (!m) throw new Error(`unsupported JSONPath expression [${inner}]`);
        steps.push({ kind: 'filter', path: (m[1] as string).split('.').filter(Boolean), op: m[2] as '==' | '!=', value: m[3] as string });
      }
      i = end + 1;
    } else {
      throw new Error(`unexpected ${JSON.stringify(c)} in JSONPath ${path}`);
    }
  }
  return steps;
}

const cache = new Map<string, Step[]>();

export function evaluate(root: unknown, path: string): unknown[] {
  let steps = cache.get(path);
  if (!steps) {
    steps = parse(path);
    cache.set(path, steps);
  }
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (step.kind === 'field') {
        if (v && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, step.name))
          next.push((v as Record<string, unknown>)[step.name]);
      } else if (step.kind === 'index') {
        if (Array.isArray(v)) {
          const item = v.at(step.index);
          if (item !== undefined) next.push(item);
        }
      } else if (step.kind === 'all') {
        if (Array.isArray(v)) next.push(...v);
        else if (v && typeof v === 'object') next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) {
          let field: unknown = item;
          for (const f of step.path) field = field && typeof field === 'object' ? (field as Record<string, unknown>)[f] : undefined;
          const equal = field !== undefined && String(field) === step.value;
          if (equal === (step.op === '==')) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}
