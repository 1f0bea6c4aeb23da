/**
 * CEL object initializers (`Object.spec{replicas: 3}`, `JSONPatch{op: "add"}`) in terms the JavaScript CEL
 * library parses. It has no message-construction syntax, so each initializer of a type upstream's
 * `DynamicTypeResolver` knows (`Object`, `Object.<path>`, `JSONPatch`) is rewritten into a call of a
 * constructor function taking the fields as a map: `Object.spec{replicas: 3}` becomes `__init_0__({"replicas":
 * 3})`. Strings and comments are left alone; any other `Name{...}` stays as written and fails to parse, as an
 * undeclared type does upstream. Positions in the rewritten text map back to the expression as written, so
 * compile errors point where the user looks.
 */

export const OBJECT_TYPE = 'Object';
export const JSON_PATCH_TYPE = 'JSONPatch';

/** Whether upstream's dynamic type resolver declares the type name. */
export const isPatchTypeName = (name: string): boolean =>
  name === JSON_PATCH_TYPE || name === OBJECT_TYPE || name.startsWith(`${OBJECT_TYPE}.`);

export interface Initializer {
  typeName: string;
  /** Each field set, with where its name starts in the expression. */
  fields: { name: string; at: number }[];
}

export interface Rewritten {
  source: string;
  /** The distinct type names initialized; the constructor of `typeNames[i]` is `constructorName(i)`. */
  typeNames: string[];
  initializers: Initializer[];
  /** The offset in the expression of an offset in `source`. */
  original(offset: number): number;
}

export const constructorName = (i: number): string => `__init_${i}__`;

interface Token {
  kind: 'ident' | 'punct' | 'other';
  text: string;
  start: number;
  end: number;
}

export function rewriteInitializers(expression: string): Rewritten {
  const tokens = tokenize(expression);
  const typeNames: string[] = [];
  const initializers: Initializer[] = [];
  /** Pieces of the output: copied from `from` in the expression, or written by us for what stands at `from`. */
  const pieces: { text: string; from: number; copied: boolean }[] = [];
  let cursor = 0;
  const copyUpTo = (end: number) => {
    if (end > cursor) pieces.push({ text: expression.slice(cursor, end), from: cursor, copied: true });
    cursor = Math.max(cursor, end);
  };
  const write = (text: string, at: number, skipTo: number) => {
    copyUpTo(at);
    pieces.push({ text, from: at, copied: false });
    cursor = skipTo;
  };

  const stack: (Initializer | 'other')[] = [];
  let expectField = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const top = stack[stack.length - 1];
    if (t.kind === 'ident' && expectField && tokens[i + 1]?.text === ':' && top !== undefined && top !== 'other') {
      top.fields.push({ name: t.text, at: t.start });
      write(JSON.stringify(t.text), t.start, t.end);
      expectField = false;
      continue;
    }
    if (t.text === '?' && expectField) continue;
    expectField = false;
    if (t.kind === 'ident' && tokens[i - 1]?.text !== '.') {
      let j = i;
      while (tokens[j + 1]?.text === '.' && tokens[j + 2]?.kind === 'ident') j += 2;
      const name = tokens
        .slice(i, j + 1)
        .filter((x) => x.kind === 'ident')
        .map((x) => x.text)
        .join('.');
      const brace = tokens[j + 1];
      if (brace?.text === '{' && isPatchTypeName(name)) {
        let index = typeNames.indexOf(name);
        if (index < 0) index = typeNames.push(name) - 1;
        const init: Initializer = { typeName: name, fields: [] };
        initializers.push(init);
        write(`${constructorName(index)}(`, t.start, tokens[j]!.end);
        stack.push(init);
        expectField = true;
        i = j + 1;
        continue;
      }
    }
    if (t.text === '{' || t.text === '(' || t.text === '[') stack.push('other');
    else if (t.text === '}' || t.text === ')' || t.text === ']') {
      if (stack.pop() !== 'other' && t.text === '}') {
        copyUpTo(t.end);
        pieces.push({ text: ')', from: t.start, copied: false });
      }
    } else if (t.text === ',') expectField = top !== undefined && top !== 'other';
  }
  copyUpTo(expression.length);

  const starts: number[] = [];
  let source = '';
  for (const p of pieces) {
    starts.push(source.length);
    source += p.text;
  }
  return {
    source,
    typeNames,
    initializers,
    original(offset) {
      let k = pieces.length - 1;
      while (k > 0 && starts[k]! > offset) k--;
      const p = pieces[k];
      if (!p) return offset;
      return p.copied ? Math.min(p.from + (offset - starts[k]!), p.from + p.text.length) : p.from;
    },
  };
}

/** CEL's lexical structure as far as the rewrite needs it: identifiers, punctuation, and opaque literals. */
function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (src.startsWith('//', i)) {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl;
      continue;
    }
    const prefix = /^[rRbB]{0,2}(?=["'])/.exec(src.slice(i, i + 3))?.[0];
    if (prefix !== undefined && /^(|[rR]|[bB]|[rR][bB]|[bB][rR])$/.test(prefix)) {
      const end = stringEnd(src, i + prefix.length, /[rR]/.test(prefix));
      tokens.push({ kind: 'other', text: src.slice(i, end), start: i, end });
      i = end;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))?.[0];
    if (word) {
      tokens.push({ kind: 'ident', text: word, start: i, end: i + word.length });
      i += word.length;
      continue;
    }
    const number = /^(?:\d|\.\d)(?:[\w.]|[eE][+-])*/.exec(src.slice(i))?.[0];
    if (number) {
      tokens.push({ kind: 'other', text: number, start: i, end: i + number.length });
      i += number.length;
      continue;
    }
    tokens.push({ kind: 'punct', text: c, start: i, end: i + 1 });
    i++;
  }
  return tokens;
}

/** Where a string literal whose quote is at `q` ends (its end, unterminated or not). */
function stringEnd(src: string, q: number, raw: boolean): number {
  const quote = src.startsWith(src[q]!.repeat(3), q) ? src[q]!.repeat(3) : src[q]!;
  let i = q + quote.length;
  while (i < src.length) {
    if (!raw && src[i] === '\\') i += 2;
    else if (src.startsWith(quote, i)) return i + quote.length;
    else i++;
  }
  return src.length;
}
