/**
 * The Kubernetes format library (k8s.io/apiserver/pkg/cel/library/format.go): `format.named(name)`, a
 * `format.<name>()` for each named format, and `<format>.validate(s)`, which is none for a valid string and
 * otherwise the messages apimachinery's validation (or kube-openapi's strfmt, for the CRD formats) gives.
 */
import { type Environment, Optional } from '@marcbachmann/cel-js';
import { goBytes } from '../apimachinery/go-format.js';
import {
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  maskTrailingDash,
  qualifiedNameErrors,
} from '../apimachinery/name-formats.js';
import { chargeCost } from './cost.js';
import { parseRequestURI } from './library-urls.js';

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
const subdomain = (b: string): string[] => dns1123SubdomainErrors(b, 'characters');

/** `ConstantFormats`, by the name CEL uses. The sizes are upstream's, two of them its govalidator estimates. */
const FORMATS = new Map<string, NamedFormat>([
  ['dns1123Label', new NamedFormat('DNS1123Label', bytes(dns1123LabelErrors), 30)],
  ['dns1123Subdomain', new NamedFormat('DNS1123Subdomain', bytes(subdomain), 60)],
  ['dns1035Label', new NamedFormat('DNS1035Label', bytes(dns1035LabelErrors), 30)],
  ['qualifiedName', new NamedFormat('QualifiedName', bytes(qualifiedNameErrors), 60)],
  ['dns1123LabelPrefix', new NamedFormat('DNS1123LabelPrefix', prefix(dns1123LabelErrors), 30)],
  ['dns1123SubdomainPrefix', new NamedFormat('DNS1123SubdomainPrefix', prefix(subdomain), 60)],
  ['dns1035LabelPrefix', new NamedFormat('DNS1035LabelPrefix', prefix(dns1035LabelErrors), 30)],
  ['labelValue', new NamedFormat('LabelValue', bytes(labelValueErrors), 40)],
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
