/**
 * The Kubernetes format library (k8s.io/apiserver/pkg/cel/library/format.go): `format.named(name)`, a
 * `format.<name>()` for each named format, and `<format>.validate(s)`, which is none for a valid string and
 * otherwise the messages apimachinery's validation (or kube-openapi's strfmt, for the CRD formats) gives.
 */
import { type Environment, Optional } from '@marcbachmann/cel-js';
import { goBytes } from '../apimachinery/go-format.js';
import { chargeCost } from './cost.js';
import { parseRequestURI } from './library-urls.js';

// The apimachinery name formats (util/validation and api/validate/content) work on Go strings: each takes the
// string as `goBytes` gives it, so lengths are byte lengths and any non-ASCII byte fails the ASCII patterns.
// They repeat src/registry/metadata/name-formats.ts, which src/cel may not import: both belong in apimachinery.

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;

const anchored = (fmt: string): RegExp => new RegExp(`^${fmt}$`);
const DNS1123_LABEL = anchored(DNS1123_LABEL_FMT);
const DNS1123_SUBDOMAIN = anchored(DNS1123_SUBDOMAIN_FMT);
const DNS1035_LABEL = anchored(DNS1035_LABEL_FMT);
const LABEL_KEY = anchored(LABEL_KEY_FMT);
const LABEL_VALUE = anchored(LABEL_VALUE_FMT);

/** `RegexError`: the rule, its examples and the pattern (the doubled space before "or" is upstream's). */
const regexError = (msg: string, fmt: string, ...examples: string[]): string =>
  `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;

const DNS1123_LABEL_MSG = regexError(
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  DNS1123_LABEL_FMT,
  'my-name',
  '123-abc',
);
const DNS1123_SUBDOMAIN_MSG = regexError(
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  DNS1123_SUBDOMAIN_FMT,
  'example.com',
);
const DNS1035_LABEL_MSG = regexError(
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  DNS1035_LABEL_FMT,
  'my-name',
  'abc-123',
);
const LABEL_KEY_MSG = regexError(
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  LABEL_KEY_FMT,
  'MyName',
  'my.name',
  '123-abc',
);
const LABEL_VALUE_MSG = regexError(
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  LABEL_VALUE_FMT,
  'MyValue',
  'my_value',
  '12345',
);

/** util/validation words its length limits in characters, api/validate/content in bytes; both count bytes. */
type Unit = 'characters' | 'bytes';

/** `IsDNS1123Label`; a valid subdomain that is no label can only have dots, so it says just that. */
function dns1123Label(b: string): string[] {
  const errs = b.length > 63 ? ['must be no more than 63 characters'] : [];
  if (!DNS1123_LABEL.test(b)) errs.push(DNS1123_SUBDOMAIN.test(b) ? 'must not contain dots' : DNS1123_LABEL_MSG);
  return errs;
}

function dns1123Subdomain(b: string, unit: Unit): string[] {
  const errs = b.length > 253 ? [`must be no more than 253 ${unit}`] : [];
  if (!DNS1123_SUBDOMAIN.test(b)) errs.push(DNS1123_SUBDOMAIN_MSG);
  return errs;
}

function dns1035Label(b: string): string[] {
  const errs = b.length > 63 ? ['must be no more than 63 characters'] : [];
  if (!DNS1035_LABEL.test(b)) errs.push(DNS1035_LABEL_MSG);
  return errs;
}

/** `IsQualifiedName` (= `content.IsLabelKey`): an optional subdomain prefix and `/`, then a name. */
function qualifiedName(b: string): string[] {
  const parts = b.split('/');
  if (parts.length > 2) {
    return [`a valid label key ${LABEL_KEY_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const errs: string[] = [];
  const name = parts.at(-1)!;
  if (parts.length === 2) {
    if (parts[0] === '') errs.push('prefix part must be non-empty');
    else errs.push(...dns1123Subdomain(parts[0]!, 'bytes').map((m) => `prefix part ${m}`));
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 bytes');
  if (!LABEL_KEY.test(name)) errs.push(`name part ${LABEL_KEY_MSG}`);
  return errs;
}

/** `IsValidLabelValue` (= `content.IsLabelValue`). */
function labelValue(b: string): string[] {
  const errs = b.length > 63 ? ['must be no more than 63 bytes'] : [];
  if (!LABEL_VALUE.test(b)) errs.push(LABEL_VALUE_MSG);
  return errs;
}

/**
 * `maskTrailingDash`, for generateName prefixes: Go replaces the last *two* bytes by one `a`, a quirk kept
 * because it decides which prefixes pass (`a.-` passes as a subdomain prefix, as `aa` would).
 */
const maskTrailingDash = (b: string): string => (b.length > 1 && b.endsWith('-') ? `${b.slice(0, -2)}a` : b);

// kube-openapi's strfmt, behind the CRD formats; its verdicts are yes or no, so each has one message.

const isUUID = (s: string): boolean => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s);
/** govalidator's `IsBase64`: padded, and never empty. */
const isBase64 = (s: string): boolean => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/.test(s);
/** strfmt's `DateTimePattern` for the part after the `t`; its `.` is RE2's, any rune but a newline. */
const TIME = /^([0-9]{2}):([0-9]{2}):([0-9]{2})([^\n][0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/u;

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `IsDate`: Go's `time.Parse("2006-01-02")`, which checks the day against the month. */
function isDate(s: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return false;
  return day >= 1 && day <= (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/**
 * `IsDateTime`: a date, a `t` and a time, compared in lower case. Text after a second `t` is never looked at,
 * and the hour, minute and second are only bounded above, as upstream does.
 */
function isDateTime(s: string): boolean {
  const parts = s.replace(/[A-Z]/g, (c) => c.toLowerCase()).split('t');
  if (parts.length < 2 || !isDate(parts[0]!)) return false;
  const m = TIME.exec(parts[1]!);
  return m !== null && m[1]! <= '23' && m[2]! <= '59' && m[3]! <= '59';
}

const check = (ok: (s: string) => boolean, msg: string) => (s: string) => (ok(s) ? [] : [msg]);

function uriErrors(s: string): string[] {
  try {
    parseRequestURI(s);
    return [];
  } catch (err) {
    // parseRequestURI throws only Go's `*url.Error` texts.
    return [(err as Error).message];
  }
}

/** Upstream's `Format`: equal by name; `maxRegexSize` (a pattern's length, or an estimate) prices `validate`. */
export class NamedFormat {
  readonly #validate: (s: string) => string[];
  readonly #maxRegexSize: number;

  constructor(
    readonly name: string,
    validate: (s: string) => string[],
    maxRegexSize: number,
  ) {
    this.#validate = validate;
    this.#maxRegexSize = maxRegexSize;
  }

  /** cel-go's regex cost as upstream's cost.go applies it: a tenth of (1 + the string's length) times a quarter of the pattern's size. */
  validate(s: string): string[] {
    chargeCost(Math.ceil((1 + s.length) * 0.1) * Math.ceil(this.#maxRegexSize * 0.25));
    return this.#validate(s);
  }
}

const bytes = (validate: (b: string) => string[]) => (s: string) => validate(goBytes(s));
const prefix = (validate: (b: string) => string[]) => (s: string) => validate(maskTrailingDash(goBytes(s)));
const subdomain = (b: string): string[] => dns1123Subdomain(b, 'characters');

/** `ConstantFormats`, by the name CEL uses. The sizes are upstream's, two of them its govalidator estimates. */
const FORMATS = new Map<string, NamedFormat>([
  ['dns1123Label', new NamedFormat('DNS1123Label', bytes(dns1123Label), 30)],
  ['dns1123Subdomain', new NamedFormat('DNS1123Subdomain', bytes(subdomain), 60)],
  ['dns1035Label', new NamedFormat('DNS1035Label', bytes(dns1035Label), 30)],
  ['qualifiedName', new NamedFormat('QualifiedName', bytes(qualifiedName), 60)],
  ['dns1123LabelPrefix', new NamedFormat('DNS1123LabelPrefix', prefix(dns1123Label), 30)],
  ['dns1123SubdomainPrefix', new NamedFormat('DNS1123SubdomainPrefix', prefix(subdomain), 60)],
  ['dns1035LabelPrefix', new NamedFormat('DNS1035LabelPrefix', prefix(dns1035Label), 30)],
  ['labelValue', new NamedFormat('LabelValue', bytes(labelValue), 40)],
  ['uri', new NamedFormat('URI', uriErrors, 1103)],
  ['uuid', new NamedFormat('uuid', check(isUUID, 'does not match the UUID format'), 70)],
  ['byte', new NamedFormat('byte', check(isBase64, 'invalid base64'), 84)],
  ['date', new NamedFormat('date', check(isDate, 'invalid date'), 71)],
  ['datetime', new NamedFormat('datetime', check(isDateTime, 'invalid datetime'), 71)],
]);

/** The value of the `format` identifier: cel-js has no namespaced functions, so they hang off a constant. */
class FormatNamespace {}

export function registerFormatLibrary(env: Environment): void {
  env.registerType('kubernetes.NamedFormat', NamedFormat);
  env.registerType('FormatNamespace', FormatNamespace);
  env.registerConstant('format', 'FormatNamespace', new FormatNamespace());
  env.registerOperator('kubernetes.NamedFormat == kubernetes.NamedFormat', (a: NamedFormat, b: NamedFormat) => {
    chargeCost(1);
    return a.name === b.name;
  });
  env.registerFunction('FormatNamespace.named(string): optional<kubernetes.NamedFormat>', (_: FormatNamespace, name: string) => {
    chargeCost(1);
    const format = FORMATS.get(name);
    return format ? Optional.of(format) : Optional.none();
  });
  for (const [name, format] of FORMATS) {
    env.registerFunction(`FormatNamespace.${name}(): kubernetes.NamedFormat`, () => format);
  }
  env.registerFunction('kubernetes.NamedFormat.validate(string): optional<list<string>>', (format: NamedFormat, s: string) => {
    const errs = format.validate(s);
    return errs.length === 0 ? Optional.none() : Optional.of(errs);
  });
}
