/**
 * `metav1.Time` as it decodes and encodes: Go's `time.Parse(time.RFC3339, s)` with its exact error
 * messages, and the RFC 3339 UTC form with whole seconds that `metav1.Time` marshals to. Go's parser is
 * not strict RFC 3339 (a one-digit hour, a comma before the fraction and a +24:60 offset all pass), and a
 * custom resource's timestamps decode through it, so its rules are followed here step by step.
 */

const LAYOUT = '2006-01-02T15:04:05Z07:00';

/** `zero`: Go's `Time.IsZero()`, which `metav1.Time` marshals as null. */
export type ParsedTime = { ok: true; rfc3339: string; zero: boolean } | { ok: false; error: string };

/** Go's `time.quote`: bytes outside printable ASCII as `\xNN`. */
function timeQuote(bytes: string): string {
  let out = '"';
  for (const c of bytes) {
    const b = c.charCodeAt(0);
    if (b >= 0x80 || b < 0x20) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += c === '"' || c === '\\' ? `\\${c}` : c;
  }
  return `${out}"`;
}

const isDigit = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';

/** Go's `getnum`: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (month: number, year: number): number =>
  month === 2 ? (isLeap(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;

/**
 * `time.Parse(time.RFC3339, value)` for a value that came from JSON (so no invalid UTF-8), giving the
 * instant as `metav1.Time` marshals it: `t.UTC().Format(time.RFC3339)`, fraction dropped.
 */
export function parseTime(value: string): ParsedTime {
  const bytes = Buffer.from(value, 'utf8').toString('latin1');
  const cannot = (valueElem: string, layoutElem: string): ParsedTime => ({
    ok: false,
    error: `parsing time ${timeQuote(bytes)} as ${timeQuote(LAYOUT)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`,
  });
  const fail = (message: string): ParsedTime => ({ ok: false, error: `parsing time ${timeQuote(bytes)}${message}` });

  let rest = bytes;
  // year: four characters, the first a digit, all digits for atoi
  if (rest.length < 4 || !isDigit(rest, 0) || !/^\d{4}$/.test(rest.slice(0, 4))) return cannot(rest, '2006');
  const year = Number(rest.slice(0, 4));
  rest = rest.slice(4);

  // Each step: a literal separator, then a number; Go reports the range error before a parse error.
  const steps: Array<{ sep: string; elem: string; fixed: boolean; max: number; what: string }> = [
    { sep: '-', elem: '01', fixed: true, max: 12, what: 'month' },
    { sep: '-', elem: '02', fixed: true, max: Infinity, what: '' },
    { sep: 'T', elem: '15', fixed: false, max: 23, what: 'hour' },
    { sep: ':', elem: '04', fixed: true, max: 59, what: 'minute' },
    { sep: ':', elem: '05', fixed: true, max: 59, what: 'second' },
  ];
  const nums: number[] = [];
  for (const step of steps) {
    if (!rest.startsWith(step.sep)) return cannot(rest, step.sep);
    rest = rest.slice(step.sep.length);
    const got = getnum(rest, step.fixed);
    if (!got) return cannot(rest, step.elem);
    const [n, after] = got;
    if (step.what === 'month' && (n <= 0 || n > 12)) return fail(': month out of range');
    if (step.what && step.what !== 'month' && n > step.max) return fail(`: ${step.what} out of range`);
    nums.push(n);
    rest = after;
  }
  const [month, day, hour, minute, second] = nums as [number, number, number, number, number];

  // A fraction after the seconds is accepted though the layout has none: '.' or ',' then digits.
  let nanos = false;
  if (rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
    let n = 2;
    while (isDigit(rest, n)) n++;
    nanos = /[1-9]/.test(rest.slice(1, Math.min(n, 10)));
    rest = rest.slice(n);
  }

  let offsetSeconds = 0;
  const tz = rest;
  if (rest.startsWith('Z')) {
    rest = rest.slice(1);
  } else {
    if (rest.length < 6 || rest[3] !== ':') return cannot(tz, 'Z07:00');
    const hh = getnum(rest.slice(1, 3), true);
    const mm = hh && getnum(rest.slice(4, 6), true);
    const sign = rest[0];
    rest = rest.slice(6);
    const hr = hh ? hh[0] : 0;
    const mn = mm ? mm[0] : 0;
    let rangeErr = '';
    if (hr > 24) rangeErr = 'time zone offset hour';
    if (mn > 60) rangeErr = 'time zone offset minute';
    if (rangeErr) return fail(`: ${rangeErr} out of range`);
    if (!hh || !mm || (sign !== '+' && sign !== '-')) return cannot(tz, 'Z07:00');
    offsetSeconds = (sign === '-' ? -1 : 1) * (hr * 3600 + mn * 60);
  }
  if (rest.length > 0) return fail(`: extra text: ${timeQuote(rest)}`);
  if (day < 1 || day > daysIn(month, year)) return fail(': day out of range');

  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second - offsetSeconds, 0);
  const rfc3339 = formatTime(date);
  return { ok: true, rfc3339, zero: rfc3339 === '0001-01-01T00:00:00Z' && !nanos };
}

/** `t.UTC().Format(time.RFC3339)`; Go pads the year to four digits after any sign. */
function formatTime(d: Date): string {
  const y = d.getUTCFullYear();
  const year = (y < 0 ? '-' : '') + String(Math.abs(y)).padStart(4, '0');
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${year}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}Z`;
}
