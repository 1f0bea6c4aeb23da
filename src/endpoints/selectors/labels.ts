/**
 * Label selectors as apimachinery parses and matches them (`labels/selector.go`): `k=v`, `k==v`, `k!=v`,
 * `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, `k>n`, `k<n`, joined by commas (AND).
 */
import { newBadRequest } from '../../apimachinery/errors.js';
import { isQualifiedName } from '../../registry/metadata/validate-object-meta.js';

export type Operator = 'in' | 'notin' | 'exists' | '!' | '=' | '==' | '!=' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export type LabelSelector = Requirement[];

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

type Token = { kind: 'id'; text: string } | { kind: 'op'; text: string };

function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (two === '==' || two === '!=') {
      tokens.push({ kind: 'op', text: two });
      i += 2;
      continue;
    }
    if ('=!(),<>'.includes(c)) {
      tokens.push({ kind: 'op', text: c });
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && !/\s/.test(s[j] as string) && !'=!(),<>'.includes(s[j] as string)) j++;
    tokens.push({ kind: 'id', text: s.slice(i, j) });
    i = j;
  }
  return tokens;
}

function fail(s: string, why: string): never {
  throw newBadRequest(`unable to parse requirement: ${why} in selector ${JSON.stringify(s)}`);
}

function checkKey(s: string, key: string): void {
  const errs = isQualifiedName(key);
  if (errs.length > 0) fail(s, `invalid label key "${key}": ${errs.join('; ')}`);
}

function checkValue(s: string, v: string): void {
  if (v.length > 63 || !LABEL_VALUE.test(v))
    fail(s, `invalid label value: "${v}": at key: must be no more than 63 characters and match ${LABEL_VALUE.source}`);
}

export function parseLabelSelector(s: string): LabelSelector {
  const t = tokenize(s);
  const reqs: Requirement[] = [];
  let i = 0;
  const peek = (): Token | undefined => t[i];
  const id = (): string => {
    const tok = t[i++];
    if (tok?.kind !== 'id') fail(s, `found '${tok?.text ?? ''}', expected: identifier`);
    return tok.text;
  };
  while (i < t.length) {
    let negate = false;
    if (peek()?.text === '!' && peek()?.kind === 'op') {
      negate = true;
      i++;
    }
    const key = id();
    checkKey(s, key);
    const next = peek();
    if (negate) {
      reqs.push({ key, operator: '!', values: [] });
    } else if (!next || (next.kind === 'op' && next.text === ',')) {
      reqs.push({ key, operator: 'exists', values: [] });
    } else if (next.kind === 'op' && ['=', '==', '!='].includes(next.text)) {
      i++;
      const after = peek();
      let value = '';
      if (after?.kind === 'id') {
        value = after.text;
        i++;
      }
      checkValue(s, value);
      reqs.push({ key, operator: next.text as Operator, values: [value] });
    } else if (next.kind === 'op' && (next.text === '>' || next.text === '<')) {
      i++;
      const value = id();
      if (!/^-?\d+$/.test(value)) fail(s, `for 'Gt', 'Lt' operators, the value must be an integer`);
      reqs.push({ key, operator: next.text === '>' ? 'gt' : 'lt', values: [value] });
    } else if (next.kind === 'id' && (next.text === 'in' || next.text === 'notin')) {
      i++;
      if (peek()?.text !== '(') fail(s, `found '${peek()?.text ?? ''}', expected: '('`);
      i++;
      const values: string[] = [];
      while (peek() && peek()?.text !== ')') {
        const tok = t[i++] as Token;
        if (tok.kind === 'op' && tok.text === ',') continue;
        if (tok.kind !== 'id') fail(s, `found '${tok.text}', expected: ',', ')' or identifier`);
        checkValue(s, tok.text);
        values.push(tok.text);
      }
      if (peek()?.text !== ')') fail(s, "found '', expected: ')'");
      i++;
      if (values.length === 0 && next.text === 'in') fail(s, "for 'in', 'notin' operators, values set can't be empty");
      reqs.push({ key, operator: next.text, values });
    } else {
      fail(s, `found '${next.text}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    const sep = peek();
    if (sep) {
      if (sep.kind !== 'op' || sep.text !== ',') fail(s, `found '${sep.text}', expected: ','`);
      i++;
      if (!peek()) fail(s, "found '', expected: !, identifier");
    }
  }
  return reqs;
}

export function matches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.operator) {
      case 'exists':
        return has;
      case '!':
        return !has;
      case '=':
      case '==':
      case 'in':
        return has && r.values.includes(v as string);
      case '!=':
      case 'notin':
        return !has || !r.values.includes(v as string);
      case 'gt':
        return has && /^-?\d+$/.test(v as string) && Number(v) > Number(r.values[0]);
      case 'lt':
        return has && /^-?\d+$/.test(v as string) && Number(v) < Number(r.values[0]);
    }
    return false;
  });
}
