/**
 * FieldsV1, the JSON form of a field set stored in `metadata.managedFields[].fieldsV1`: each path element is
 * a key (`f:`, `k:`, `v:`, `i:`), a member with children carries `".": {}`, and a member without children
 * is `{}`. Encoding is byte-identical to fieldpath.Set.ToJSON; decoding accepts what Set.FromJSON accepts.
 */
import { comparePathElements, deserializePathElement, serializePathElement, UnknownPathElementTypeError } from './path.js';
import { FieldSet, makeSet, type SetNode } from './set.js';
import type { PathElement } from './path.js';
import { quoteJSON } from './value.js';

function fieldKey(pe: PathElement): string {
  return `${quoteJSON(serializePathElement(pe), false)}:`;
}

/**
 * Members and children are merged in PathElement order; a path that is both is written once, as a child
 * whose object starts with `"."`.
 */
function emitContents(s: FieldSet, includeSelf: boolean, out: string[]): void {
  let first = true;
  const comma = () => {
    if (first) first = false;
    else out.push(',');
  };
  if (includeSelf && (s.members.length > 0 || s.children.length > 0)) {
    comma();
    out.push('".":{}');
  }
  const { members, children } = s;
  let mi = 0;
  let ci = 0;
  while (mi < members.length || ci < children.length) {
    const c = mi === members.length ? 1 : ci === children.length ? -1 : comparePathElements(members[mi]!, children[ci]!.pathElement);
    comma();
    if (c < 0) {
      out.push(fieldKey(members[mi++]!), '{}');
      continue;
    }
    const node = children[ci++]!;
    out.push(fieldKey(node.pathElement), '{');
    emitContents(node.set, c === 0, out);
    out.push('}');
    if (c === 0) mi++;
  }
}

export function encodeFieldsV1(s: FieldSet): string {
  const out: string[] = ['{'];
  emitContents(s, false, out);
  out.push('}');
  return out.join('');
}

/**
 * The same document as a JSON value, built directly (no text to parse): what managedFields carry. Keys are
 * inserted in encoding order, which JavaScript objects keep for keys like these (never array indexes).
 */
export function fieldsV1Value(s: FieldSet, includeSelf = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (includeSelf && (s.members.length > 0 || s.children.length > 0)) out['.'] = {};
  const { members, children } = s;
  let mi = 0;
  let ci = 0;
  while (mi < members.length || ci < children.length) {
    const c = mi === members.length ? 1 : ci === children.length ? -1 : comparePathElements(members[mi]!, children[ci]!.pathElement);
    if (c < 0) {
      out[serializePathElement(members[mi++]!)] = {};
      continue;
    }
    const node = children[ci++]!;
    out[serializePathElement(node.pathElement)] = fieldsV1Value(node.set, c === 0);
    if (c === 0) mi++;
  }
  return out;
}

/** A malformed FieldsV1 document; the message is json-iterator's or structured-merge-diff's. */
export class FieldsV1Error extends Error {}

/** Just enough of a JSON reader to walk FieldsV1 in document order, as Set.FromJSON's iterator does. */
class Reader {
  private pos = 0;
  constructor(private readonly text: string) {}

  private fail(operation: string, msg: string): never {
    throw new FieldsV1Error(`${operation}: ${msg}`);
  }

  /** The next non-space character, consumed; '' at the end. */
  private nextToken(): string {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos]!)) this.pos++;
    return this.text[this.pos++] ?? '';
  }

  atEnd(): boolean {
    const c = this.nextToken();
    this.pos--;
    return c === '';
  }

  private readString(): string {
    const c = this.nextToken();
    if (c !== '"') this.fail('ReadString', `expects " or n, but found ${c}`);
    const start = this.pos - 1;
    for (;;) {
      const ch = this.text[this.pos++];
      if (ch === undefined) this.fail('ReadString', 'incomplete string');
      if (ch === '\\') this.pos++;
      else if (ch === '"') break;
    }
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      return this.fail('ReadString', 'invalid string');
    }
  }

  /** Skips one value of any type (the value of `"."` or of an unknown path element type). */
  skip(): void {
    const c = this.nextToken();
    this.pos--;
    if (c === '"') {
      this.readString();
      return;
    }
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      this.pos++;
      if (this.nextToken() === close) return;
      this.pos--;
      for (;;) {
        if (c === '{') {
          this.readString();
          if (this.nextToken() !== ':') this.fail('Skip', 'expect :');
        }
        this.skip();
        const next = this.nextToken();
        if (next === close) return;
        if (next !== ',') this.fail('Skip', `expect , or ${close}`);
      }
    }
    const m = /^(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/.exec(this.text.slice(this.pos));
    if (!m) this.fail('Skip', `do not know how to skip: ${c}`);
    this.pos += m[0].length;
  }

  /**
   * readIterV1: the set below one object, and whether the object marks its own path as a member (`"."`,
   * `null`, or no path element at all below it).
   */
  readSet(): { children: FieldSet | undefined; isMember: boolean } {
    let c = this.nextToken();
    if (c === 'n') {
      if (this.text.slice(this.pos, this.pos + 3) !== 'ull') this.fail('ReadMapCB', 'expect null');
      this.pos += 3;
      return { children: undefined, isMember: true };
    }
    if (c !== '{') this.fail('ReadMapCB', `expect { or n, but found ${c}`);
    const members: PathElement[] = [];
    const children: SetNode[] = [];
    let isMember = false;
    c = this.nextToken();
    if (c !== '}') {
      if (c !== '"') this.fail('ReadMapCB', `expect " after {, but found ${c}`);
      this.pos--;
      for (;;) {
        const key = this.readString();
        // json-iterator reports the character before the field name, not the one it found.
        if (this.nextToken() !== ':') this.fail('ReadMapCB', `expect : after object field, but found ${c}`);
        this.readEntry(key, members, children, () => {
          isMember = true;
        });
        c = this.nextToken();
        if (c !== ',') break;
      }
      if (c !== '}') this.fail('ReadMapCB', 'object not ended with }');
    }
    if (members.length === 0 && children.length === 0) return { children: undefined, isMember: true };
    return { children: makeSet(members, children), isMember };
  }

  private readEntry(key: string, members: PathElement[], children: SetNode[], markMember: () => void): void {
    if (key === '.') {
      markMember();
      this.skip();
      return;
    }
    let pe: PathElement;
    try {
      pe = deserializePathElement(key);
    } catch (err) {
      // Newer writers may add element types; upstream skips what it does not know.
      if (err instanceof UnknownPathElementTypeError) {
        this.skip();
        return;
      }
      this.fail('parsing key as path element', (err as Error).message);
    }
    const below = this.readSet();
    if (below.isMember) members.push(pe);
    if (below.children) children.push({ pathElement: pe, set: below.children });
  }
}

/** Set.FromJSON. `null` and `{}` are the empty set. */
export function decodeFieldsV1(text: string): FieldSet {
  const r = new Reader(text);
  const { children } = r.readSet();
  if (!r.atEnd()) throw new FieldsV1Error('managedFields parsing: unexpected trailing data after JSON object');
  return children ?? FieldSet.EMPTY;
}
