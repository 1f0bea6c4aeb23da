/**
 * The name formats of apimachinery (`util/validation` and `api/validate/content`), each returning
 * upstream's messages: for object metadata, and for CEL's format library. Lengths are Go's byte lengths:
 * the `…Errors` functions take a string as `goBytes` gives it (any non-ASCII byte fails the ASCII patterns),
 * the `is…` ones any string. The two packages word the length limit differently: object names and
 * namespaces say "characters", label keys and values say "bytes".
 */
import { goBytes } from './go-format.js';

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;

const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1035_LABEL = new RegExp(`^${DNS1035_LABEL_FMT}$`);
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
const DNS1035_MSG = regexError(
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

/** `IsDNS1123Label`; a valid subdomain that is no label can only have dots, so it says just that. */
export function isDNS1123Label(value: string): string[] {
  return dns1123LabelErrors(goBytes(value));
}

export function dns1123LabelErrors(bytes: string): string[] {
  const errs: string[] = [];
  if (bytes.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(bytes)) errs.push(DNS1123_SUBDOMAIN.test(bytes) ? 'must not contain dots' : LABEL_MSG);
  return errs;
}

/** `IsDNS1123Subdomain`: at most 253, dot-separated RFC 1123 labels. */
export function isDNS1123Subdomain(value: string): string[] {
  return dns1123SubdomainErrors(goBytes(value), 'characters');
}

export function dns1123SubdomainErrors(bytes: string, unit: 'characters' | 'bytes'): string[] {
  const errs: string[] = [];
  if (bytes.length > 253) errs.push(`must be no more than 253 ${unit}`);
  if (!DNS1123_SUBDOMAIN.test(bytes)) errs.push(SUBDOMAIN_MSG);
  return errs;
}

/** `IsDNS1035Label`: a label that starts with a letter. */
export function dns1035LabelErrors(bytes: string): string[] {
  const errs: string[] = [];
  if (bytes.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035_LABEL.test(bytes)) errs.push(DNS1035_MSG);
  return errs;
}

/**
 * `IsQualifiedName` (= `content.IsLabelKey`): an optional subdomain prefix and `/`, then a name of at most
 * 63 bytes. An empty name gets both the "non-empty" and the format message, as in 1.37.
 */
export function isQualifiedName(value: string): string[] {
  return qualifiedNameErrors(goBytes(value));
}

export function qualifiedNameErrors(bytes: string): string[] {
  const parts = bytes.split('/');
  if (parts.length > 2) {
    return [`a valid label key ${LABEL_KEY_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const errs: string[] = [];
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123SubdomainErrors(prefix, 'bytes').map((m) => `prefix part ${m}`));
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 bytes');
  if (!LABEL_KEY.test(name)) errs.push(`name part ${LABEL_KEY_MSG}`);
  return errs;
}

/** `IsValidLabelValue` (= `content.IsLabelValue`): empty, or a label-key name of at most 63 bytes. */
export function isValidLabelValue(value: string): string[] {
  return labelValueErrors(goBytes(value));
}

export function labelValueErrors(bytes: string): string[] {
  const errs: string[] = [];
  if (bytes.length > 63) errs.push('must be no more than 63 bytes');
  if (!LABEL_VALUE.test(bytes)) errs.push(LABEL_VALUE_MSG);
  return errs;
}

/**
 * `maskTrailingDash`, for generateName prefixes: Go replaces the last *two* bytes by one `a`, a quirk kept
 * because it decides which prefixes pass (`a.-` passes as a subdomain prefix, as `aa` would).
 */
export const maskTrailingDash = (bytes: string): string => (bytes.length > 1 && bytes.endsWith('-') ? `${bytes.slice(0, -2)}a` : bytes);

/** `NameIsDNSSubdomain(name, prefix)`, the rule for custom resource names. */
export function nameIsDNSSubdomain(name: string, prefix: boolean): string[] {
  const bytes = goBytes(name);
  return dns1123SubdomainErrors(prefix ? maskTrailingDash(bytes) : bytes, 'characters');
}
