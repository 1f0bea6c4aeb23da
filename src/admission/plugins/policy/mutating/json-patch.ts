/**
 * JSON Patch as upstream applies a mutation's (`gopkg.in/evanphx/json-patch.v4`), whose rules are looser than
 * RFC 6902 and than fast-json-patch's: `replace` of a missing object key adds it, negative array indexes count
 * from the end, and each failure has its own message, which the policy's error repeats. A failed `test` is
 * TestFailed: upstream then leaves the object as it was.
 */
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from '../../../../apimachinery/types.js';

export interface PatchOperation {
  op: string;
  path: string;
  /** Absent when the JSONPatch left it unset. */
  from?: string;
  value?: unknown;
}

export class TestFailed extends Error {}

type Container = Record<string, unknown> | unknown[];

/** The patched document (a copy); throws TestFailed, or an Error with the library's message. */
export function applyJSONPatch(document: Record<string, unknown>, ops: readonly PatchOperation[]): unknown {
  const root = { doc: structuredClone(document) as unknown };
  for (const op of ops) {
    const { path } = op;
    switch (op.op) {
      case 'add': {
        const [con, key] = find(root.doc, path);
        if (!con) throw missing(`add operation does not apply: doc is missing path: "${path}"`);
        wrap(`error in add for path: '${path}'`, () => add(con, key, op.value ?? null));
        break;
      }
      case 'remove': {
        const [con, key] = find(root.doc, path);
        if (!con) throw missing(`remove operation does not apply: doc is missing path: "${path}"`);
        wrap(`error in remove for path: '${path}'`, () => remove(con, key));
        break;
      }
      case 'replace': {
        if (path === '') {
          // The library ignores a scalar replacing the whole document.
          if (isPlainObject(op.value)) root.doc = structuredClone(op.value);
          break;
        }
        const [con, key] = find(root.doc, path);
        if (!con) throw missing(`replace operation does not apply: doc is missing path: ${path}`);
        try {
          get(con, key);
        } catch {
          throw missing(`replace operation does not apply: doc is missing key: ${path}`);
        }
        set(con, key, op.value ?? null);
        break;
      }
      case 'move': {
        const from = fromOf(op, 'move');
        const [src, srcKey] = find(root.doc, from);
        if (!src) throw missing(`move operation does not apply: doc is missing from path: ${from}`);
        const value = wrap(`error in move for path: '${srcKey}'`, () => get(src, srcKey));
        wrap(`error in move for path: '${srcKey}'`, () => remove(src, srcKey));
        const [con, key] = find(root.doc, path);
        if (!con) throw missing(`move operation does not apply: doc is missing destination path: ${path}`);
        wrap(`error in move for path: '${path}'`, () => add(con, key, value ?? null));
        break;
      }
      case 'test': {
        const actual = path === '' ? root.doc : testedValue(root.doc, path);
        if (!isDeepStrictEqual(actual, op.value)) throw new TestFailed(`testing value ${path} failed: test failed`);
        break;
      }
      case 'copy': {
        const from = fromOf(op, 'copy');
        const [src, srcKey] = find(root.doc, from);
        if (!src) throw missing(`copy operation does not apply: doc is missing from path: ${from}`);
        const value = wrap(`error in copy for from: '${from}'`, () => get(src, srcKey));
        const [con, key] = find(root.doc, path);
        if (!con) throw missing(`copy operation does not apply: doc is missing destination path: ${path}`);
        wrap('error while adding value during copy', () => add(con, key, structuredClone(value) ?? null));
        break;
      }
      default:
        throw new Error(`Unexpected kind: ${op.op}`);
    }
  }
  return root.doc;
}

function testedValue(doc: unknown, path: string): unknown {
  const [con, key] = find(doc, path);
  if (!con) throw missing(`test operation does not apply: is missing path: ${path}`);
  return wrap(`error in test for path: '${path}'`, () => get(con, key));
}

function fromOf(op: PatchOperation, kind: string): string {
  if (!op.from) throw new Error(`${kind} operation failed to decode from: operation, missing from field: missing value`);
  return op.from;
}

const missing = (message: string) => new Error(`${message}: missing value`);

/** `errors.Wrapf`: the context, then the cause. */
function wrap<T>(context: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new Error(`${context}: ${(err as Error).message}`);
  }
}

/** `findObject`: the container of the path's last token, and that token decoded; none when a step is missing. */
function find(doc: unknown, path: string): [Container | undefined, string] {
  const tokens = path.split('/');
  if (tokens.length < 2) return [undefined, ''];
  let at: unknown = doc;
  for (const token of tokens.slice(1, -1)) {
    let next: unknown;
    try {
      next = get(at as Container, decodeToken(token));
    } catch {
      return [undefined, ''];
    }
    if (!Array.isArray(next) && !isPlainObject(next)) return [undefined, ''];
    at = next;
  }
  return [at as Container, decodeToken(tokens[tokens.length - 1]!)];
}

const decodeToken = (t: string) => t.replace(/~[01]/g, (s) => (s === '~1' ? '/' : '~'));

const invalidIndex = (idx: number) => new Error(`Unable to access invalid index: ${idx}: invalid index referenced`);

/** `strconv.Atoi`. */
function atoi(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  return Number(key);
}

/** An index within `length` (negative ones count from the end), else the library's error. */
function index(key: string, length: number): number {
  const idx = atoi(key);
  if (idx >= length || idx < -length) throw invalidIndex(idx);
  return idx < 0 ? idx + length : idx;
}

function get(con: Container, key: string): unknown {
  if (!Array.isArray(con)) return Object.hasOwn(con, key) ? con[key] : undefined;
  return con[index(key, con.length)];
}

function set(con: Container, key: string, value: unknown): void {
  if (Array.isArray(con)) con[index(key, con.length)] = value;
  else con[key] = value;
}

function add(con: Container, key: string, value: unknown): void {
  if (!Array.isArray(con)) {
    con[key] = value;
    return;
  }
  if (key === '-') {
    con.push(value);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (err) {
    throw new Error(`value was not a proper array index: '${key}': ${(err as Error).message}`);
  }
  con.splice(index(String(idx), con.length + 1), 0, value);
}

function remove(con: Container, key: string): void {
  if (Array.isArray(con)) {
    con.splice(index(key, con.length), 1);
    return;
  }
  if (!Object.hasOwn(con, key)) throw new Error(`Unable to remove nonexistent key: ${key}: missing value`);
  delete con[key];
}
