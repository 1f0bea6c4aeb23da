/**
 * The reference diff: normalises two servers' answers to the same request (uids, timestamps,
 * resourceVersions, generated names, continue tokens) and lists how they differ in status, Status reason,
 * causes, a few headers (Content-Type, kinds of Warning, Cache-Control) and the body: keys, JSON types and
 * scalar values, free text aside.
 */

/** One server's answer to one request. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, the events of a watch, or undefined when the body is not JSON. */
  body: unknown;
  text: string;
}

export type Aspect = 'status' | 'reason' | 'causes' | 'content-type' | 'warning' | 'cache-control' | 'body' | 'managedFields';

export interface Difference {
  request: string;
  aspect: Aspect;
  /** For `body`: the JSON path (`items[].metadata.name`; `.length` for an array's size); for `warning`: its kind. */
  path?: string;
  reference: string;
  ours: string;
}

export interface CompareOptions {
  /** Compares only the part of the body that both servers are meant to have (one group out of /apis). */
  pick?: (body: unknown) => unknown;
  /** `shape` compares keys and types only; `none` skips the body. Default `values`: shape and scalars. */
  body?: 'values' | 'shape' | 'none';
}

// Free text, worded differently by each implementation; the report shows it side by side instead.
const FREE_TEXT_KEYS = new Set(['message']);
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
// An age as a Table cell shows it (`8s`, `2m3s`, `5d`): one second apart on two servers is no difference.
const HUMAN_DURATION = /^\d+[smhdy](\d+[smhdy])?$/;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Replaces what differs on every run (ids, versions, times, ages, generated names) by placeholders. */
export function normalise(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => normalise(v, key));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalise(v, k);
    const meta = out.metadata;
    if (
      isObject(meta) &&
      typeof meta.generateName === 'string' &&
      typeof meta.name === 'string' &&
      meta.name.startsWith(meta.generateName)
    ) {
      meta.name = `${meta.generateName}<generated>`;
    }
    return out;
  }
  if (typeof value !== 'string' || value === '') return value;
  if (key === 'uid') return '<uid>';
  if (key === 'resourceVersion') return '<rv>';
  if (key === 'continue') return '<continue>';
  if (RFC3339.test(value)) return '<time>';
  if (HUMAN_DURATION.test(value)) return '<age>';
  return value;
}

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Flattens a body into path -> JSON type and path -> scalar values. Array elements share one path
 * (`items[]`), so lists compare by what their items look like; `.length` keeps their size.
 */
export function flatten(body: unknown): { types: Map<string, Set<string>>; values: Map<string, Set<string>> } {
  const types = new Map<string, Set<string>>();
  const values = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, path: string, v: string): void => {
    const set = m.get(path) ?? new Set<string>();
    set.add(v);
    m.set(path, set);
  };
  const walk = (v: unknown, path: string, key: string): void => {
    add(types, path || '.', typeOf(v));
    if (Array.isArray(v)) {
      add(values, `${path}.length`, String(v.length));
      for (const e of v) walk(e, `${path}[]`, key);
    } else if (isObject(v)) {
      for (const [k, e] of Object.entries(v)) walk(e, path ? `${path}.${k}` : k, k);
    } else if (!FREE_TEXT_KEYS.has(key)) {
      add(values, path || '.', JSON.stringify(v as Json));
    }
  };
  walk(body, '', '');
  return { types, values };
}

const isStatus = (b: unknown): b is Record<string, any> => isObject(b) && b.kind === 'Status';

/** The Status a body carries: the body itself, or the object of a watch's ERROR event. */
export function statusOf(body: unknown): Record<string, any> | undefined {
  if (isStatus(body)) return body;
  if (Array.isArray(body)) return body.map((e) => (isObject(e) ? e.object : undefined)).find(isStatus);
  return undefined;
}

export function causesOf(body: unknown): string {
  const causes = statusOf(body)?.details?.causes;
  if (!Array.isArray(causes)) return '';
  return causes
    .map((c: any) => `${c?.reason ?? ''}:${c?.field ?? ''}`)
    .sort()
    .join(' ');
}

const header = (a: Answer, name: string): string | undefined => {
  const h = a.headers[name];
  return Array.isArray(h) ? h.join(', ') : h;
};

const WARNING_KINDS: [string, RegExp][] = [
  ['deprecated', /is deprecated/],
  ['unknown field', /unknown field/],
  ['duplicate field', /duplicate field/],
];

/**
 * The kinds of warning an answer carries (`Warning: 299 - "..."`, possibly several): presence per kind,
 * so that a warning every answer of one server carries does not hide the one a request is about.
 */
export function warningKinds(a: Answer): Set<string> {
  const h = header(a, 'warning');
  if (!h) return new Set();
  const texts = h.split(/,\s*(?=\d{3} )/);
  return new Set(texts.map((t) => WARNING_KINDS.find(([, re]) => re.test(t))?.[0] ?? 'other'));
}

/** The media type and its parameters, without charset (Go writes none, Node often adds utf-8). */
export function contentTypeOf(a: Answer): string {
  const ct = header(a, 'content-type');
  if (!ct) return '(none)';
  return ct
    .split(';')
    .map((p) => p.trim().toLowerCase().replace(/\s+/g, ''))
    .filter((p) => p && !p.startsWith('charset='))
    .join(';');
}

const show = (s: Set<string> | undefined): string => (s ? [...s].sort().join(' | ') : '(absent)');
const sameSet = (a: Set<string>, b: Set<string>): boolean => a.size === b.size && [...a].every((v) => b.has(v));

/** Body paths the other aspects already compare. */
const STATUS_PATHS = ['reason', 'code', 'details.causes'];

function compareBodies(request: string, reference: unknown, ours: unknown, mode: 'values' | 'shape'): Difference[] {
  // A Status against an object: the status aspects say why; listing every key of both adds nothing.
  if (isStatus(reference) !== isStatus(ours) && reference !== undefined && ours !== undefined) {
    const kind = (b: unknown): string => (isObject(b) && typeof b.kind === 'string' ? JSON.stringify(b.kind) : typeOf(b));
    return [{ request, aspect: 'body', path: 'kind', reference: kind(reference), ours: kind(ours) }];
  }
  const ref = flatten(reference);
  const our = flatten(ours);
  const skip = (path: string): boolean => STATUS_PATHS.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[]`));
  const diffs: Difference[] = [];
  const typePaths = [...new Set([...ref.types.keys(), ...our.types.keys()])].sort();
  const typeDiffering = new Set<string>();
  for (const path of typePaths) {
    if (skip(path)) continue;
    const [r, o] = [ref.types.get(path), our.types.get(path)];
    if (r && o && sameSet(r, o)) continue;
    // A missing object reports once, not once per key inside it.
    if ([...typeDiffering].some((p) => path.startsWith(`${p}.`) || path.startsWith(`${p}[]`))) continue;
    typeDiffering.add(path);
    diffs.push({ request, aspect: 'body', path, reference: show(r), ours: show(o) });
  }
  if (mode === 'shape') return diffs;
  const valuePaths = [...new Set([...ref.values.keys(), ...our.values.keys()])].sort();
  for (const path of valuePaths) {
    const base = path.endsWith('.length') ? path.slice(0, -'.length'.length) : path;
    if (skip(path) || [...typeDiffering].some((p) => base === p || base.startsWith(`${p}.`) || base.startsWith(`${p}[]`))) continue;
    const [r, o] = [ref.values.get(path), our.values.get(path)];
    if (r && o && sameSet(r, o)) continue;
    if (r && o && r.size + o.size > 2) {
      // Many values on one path (a list's names, a document's paths): what only one side has.
      const only = (a: Set<string>, b: Set<string>): string =>
        show(new Set([...a].filter((v) => !b.has(v)))).replace(/^$/, '(nothing more)');
      diffs.push({ request, aspect: 'body', path, reference: `only ${only(r, o)}`, ours: `only ${only(o, r)}` });
      continue;
    }
    diffs.push({ request, aspect: 'body', path, reference: show(r), ours: show(o) });
  }
  return diffs;
}

/** Every way two answers to the same request differ. */
/**
 * The managedFields of an object, or of each item of a list, exactly (keys sorted); undefined when there
 * are none. Entries are sorted by time first, and the two servers wrote at different instants, so entries
 * (and list items, whose generated names differ) are compared as sorted lists.
 */
export function managedFieldsOf(body: unknown): string | undefined {
  const canonical = (v: unknown): string =>
    JSON.stringify(v, (_k, x: unknown) =>
      isObject(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
    );
  const of = (o: unknown): string | undefined => {
    const entries = isObject(o) && isObject(o.metadata) ? o.metadata.managedFields : undefined;
    return Array.isArray(entries) ? `[${entries.map(canonical).sort().join(',')}]` : undefined;
  };
  const found = isObject(body) && Array.isArray(body.items) ? body.items.map(of) : [of(body)];
  if (found.every((f) => f === undefined)) return undefined;
  return `[${found
    .map((f) => f ?? 'null')
    .sort()
    .join(',')}]`;
}

export function compareAnswers(request: string, reference: Answer, ours: Answer, opts: CompareOptions = {}): Difference[] {
  const diffs: Difference[] = [];
  const aspect = (a: Aspect, r: string, o: string): void => {
    if (r !== o) diffs.push({ request, aspect: a, reference: r, ours: o });
  };
  aspect('status', String(reference.status), String(ours.status));
  aspect('reason', String(statusOf(reference.body)?.reason ?? ''), String(statusOf(ours.body)?.reason ?? ''));
  aspect('causes', causesOf(reference.body), causesOf(ours.body));
  aspect('content-type', contentTypeOf(reference), contentTypeOf(ours));
  for (const kind of new Set([...warningKinds(reference), ...warningKinds(ours)])) {
    const [r, o] = [warningKinds(reference).has(kind), warningKinds(ours).has(kind)];
    if (r !== o)
      diffs.push({ request, aspect: 'warning', path: kind, reference: r ? 'present' : 'absent', ours: o ? 'present' : 'absent' });
  }
  aspect('cache-control', header(reference, 'cache-control') ?? '(none)', header(ours, 'cache-control') ?? '(none)');
  // The body's paths merge every entry's; managedFields must be the reference's entry by entry, in order.
  const [r, o] = [managedFieldsOf(normalise(reference.body)), managedFieldsOf(normalise(ours.body))];
  if (r !== undefined && o !== undefined && r !== o) {
    // Shown from a little before the first difference: the lists are long and mostly alike.
    let at = 0;
    while (r[at] === o[at]) at++;
    const from = Math.max(0, at - 60);
    diffs.push({ request, aspect: 'managedFields', reference: `…${r.slice(from, at + 120)}`, ours: `…${o.slice(from, at + 120)}` });
  }
  const mode = opts.body ?? 'values';
  if (mode !== 'none') {
    const pick = (b: unknown): unknown => {
      if (!opts.pick) return b;
      try {
        return opts.pick(b);
      } catch {
        // Not the document the pick expects (an error Status): compare what there is.
        return b;
      }
    };
    diffs.push(...compareBodies(request, normalise(pick(reference.body)), normalise(pick(ours.body)), mode));
  }
  return diffs;
}
