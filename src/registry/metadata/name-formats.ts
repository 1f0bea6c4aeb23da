/**
 * The name formats of apimachinery (`util/validation` and `api/validate/content`), each returning
 * upstream's messages. Lengths are Go's byte lengths. The two packages word the length limit
 * differently: object names and namespaces say "characters", label keys and values say "bytes".
 */
import { goBytes } from '../../apimachinery/go-format.js';

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;

const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const LABEL_KEY = new RegExp(`^${LABEL_KEY_FMT}$`);
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);

/** `RegexError`: the rule, its examples and the regular expression. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const LABEL_MSG = regexError(
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  DNS1123_LABEL_FMT,
  'my-name',
  '123-abc',
);
const SUBDOMAIN_MSG = regexError(
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  DNS1123_SUBDOMAIN_FMT,
  'example.com',
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

/** `IsDNS1123Label`; a valid subdomain that is no label can only have dots, so it says just that. */
export function isDNS1123Label(value: string): string[] {
  const v = goBytes(value);
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(v)) errs.push(DNS1123_SUBDOMAIN.test(v) ? 'must not contain dots' : LABEL_MSG);
  return errs;
}

/** `IsDNS1123Subdomain`: at most 253, dot-separated RFC 1123 labels. */
export function isDNS1123Subdomain(value: string): string[] {
  return subdomainErrors(goBytes(value), 'characters');
}

/** Over a string of bytes (see `goBytes`). */
function subdomainErrors(bytes: string, unit: 'characters' | 'bytes'): string[] {
  const errs: string[] = [];
  if (bytes.length > 253) errs.push(`must be no more than 253 ${unit}`);
  if (!DNS1123_SUBDOMAIN.test(bytes)) errs.push(SUBDOMAIN_MSG);
  return errs;
}

/**
 * `IsQualifiedName` (= `content.IsLabelKey`): an optional subdomain prefix and `/`, then a name of at most
 * 63 bytes. An empty name gets both the "non-empty" and the format message, as in 1.37.
 */
export function isQualifiedName(value: string): string[] {
  const parts = goBytes(value).split('/');
  if (parts.length > 2) {
    return [`a valid label key ${LABEL_KEY_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const errs: string[] = [];
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...subdomainErrors(prefix, 'bytes').map((m) => `prefix part ${m}`));
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 bytes');
  if (!LABEL_KEY.test(name)) errs.push(`name part ${LABEL_KEY_MSG}`);
  return errs;
}

/** `IsValidLabelValue` (= `content.IsLabelValue`): empty, or a label-key name of at most 63 bytes. */
export function isValidLabelValue(value: string): string[] {
  const v = goBytes(value);
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 bytes');
  if (!LABEL_VALUE.test(v)) errs.push(LABEL_VALUE_MSG);
  return errs;
}

/**
 * `NameIsDNSSubdomain(name, prefix)`, the rule for custom resource names. For a generateName prefix Go
 * replaces the trailing dash by masking its last *two* bytes with one `a` (`maskTrailingDash`), a quirk
 * kept because it decides which prefixes pass.
 */
export function nameIsDNSSubdomain(name: string, prefix: boolean): string[] {
  const bytes = Buffer.from(name, 'utf8');
  if (prefix && bytes.length > 1 && name.endsWith('-')) {
    return subdomainErrors(`${bytes.subarray(0, bytes.length - 2).toString('latin1')}a`, 'characters');
  }
  return isDNS1123Subdomain(name);
}
