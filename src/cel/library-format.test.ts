import { Optional } from '@marcbachmann/cel-js';
import { describe, expect, it } from 'vitest';
import { metered } from './cost.js';
import { kubernetesEnvironment } from './environment.js';

const evaluate = (expr: string): unknown => kubernetesEnvironment().parse(expr)({});
/** `validate`'s answer as a plain value: null for none, else the messages. */
const messages = (expr: string): string[] | null => {
  const result = evaluate(expr);
  if (!(result instanceof Optional)) throw new Error(`${expr} is not an optional`);
  return result.hasValue() ? (result.value() as string[]) : null;
};

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_KEY_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const NAMES = [
  'dns1123Label',
  'dns1123Subdomain',
  'dns1035Label',
  'qualifiedName',
  'dns1123LabelPrefix',
  'dns1123SubdomainPrefix',
  'dns1035LabelPrefix',
  'labelValue',
  'uri',
  'uuid',
  'byte',
  'date',
  'datetime',
];

// Modelled on k8s.io/apiserver/pkg/cel/library/format_test.go and apimachinery's validation tests; the
// expected values were checked against the Go library.
describe('format library', () => {
  it.each([
    // Upstream's examples and table.
    ['format.dns1123Label().validate("my-label-name")', null],
    ['format.dns1123Subdomain().validate("apiextensions.k8s.io")', null],
    ['format.qualifiedName().validate("apiextensions.k8s.io/v1beta1")', null],
    ['format.dns1123LabelPrefix().validate("my-label-prefix-")', null],
    ['format.dns1123SubdomainPrefix().validate("mysubdomain.prefix.-")', null],
    ['format.dns1035LabelPrefix().validate("my-label-prefix-")', null],
    ['format.uri().validate("http://example.com")', null],
    ['format.uuid().validate("123e4567-e89b-12d3-a456-426614174000")', null],
    ['format.byte().validate("aGVsbG8=")', null],
    ['format.date().validate("2021-01-01")', null],
    ['format.datetime().validate("2021-01-01T00:00:00Z")', null],
    ['format.dns1123Label().validate("contains a space")', [LABEL_MSG]],
    ['format.dns1123Subdomain().validate("contains a space")', [SUBDOMAIN_MSG]],
    ['format.dns1035Label().validate("contains a space")', [DNS1035_MSG]],
    ['format.qualifiedName().validate("contains a space")', [`name part ${LABEL_KEY_MSG}`]],
    ['format.dns1123LabelPrefix().validate("contains a space-")', [LABEL_MSG]],
    ['format.dns1123SubdomainPrefix().validate("contains a space-")', [SUBDOMAIN_MSG]],
    ['format.dns1035LabelPrefix().validate("contains a space-")', [DNS1035_MSG]],
    ['format.dns1123Subdomain().validate("example.com")', null],
    ['format.dns1035Label().validate("my-label-name")', null],
    ['format.qualifiedName().validate("my.name")', null],
    ['format.byte().validate("aGVsbG8")', ['invalid base64']],
    ['format.date().validate("2020-01-01")', null],
    ['format.date().validate("2020-01-32")', ['invalid date']],
    ['format.datetime().validate("2020-01-01T00:00:00Z")', null],
    ['format.datetime().validate("2020-01-32T00:00:00Z")', ['invalid datetime']],
    ['format.labelValue().validate("my-cool-label-Value")', null],
    ['format.labelValue().validate("my-cool-label-Value!!\\n\\n!!!")', [LABEL_VALUE_MSG]],
    // Lengths are bytes, worded as characters by util/validation and as bytes by api/validate/content.
    [`format.dns1123Label().validate("${'a'.repeat(64)}")`, ['must be no more than 63 characters']],
    [`format.dns1035Label().validate("${'a'.repeat(63)}")`, null],
    [`format.dns1035Label().validate("${'a'.repeat(64)}")`, ['must be no more than 63 characters']],
    [`format.dns1123Subdomain().validate("${`${'a'.repeat(63)}.`.repeat(4)}a")`, ['must be no more than 253 characters']],
    [`format.labelValue().validate("${'a'.repeat(64)}")`, ['must be no more than 63 bytes']],
    [`format.labelValue().validate("${'é'.repeat(32)}")`, ['must be no more than 63 bytes', LABEL_VALUE_MSG]],
    [`format.qualifiedName().validate("b/${'a'.repeat(64)}")`, ['name part must be no more than 63 bytes']],
    [`format.qualifiedName().validate("${'a'.repeat(64)}/b")`, null],
    ['format.dns1123Label().validate("a.b")', ['must not contain dots']],
    ['format.dns1123LabelPrefix().validate("a.b-")', ['must not contain dots']],
    ['format.labelValue().validate("")', null],
    ['format.qualifiedName().validate("")', ['name part must be non-empty', `name part ${LABEL_KEY_MSG}`]],
    ['format.qualifiedName().validate("/a")', ['prefix part must be non-empty']],
    ['format.qualifiedName().validate("Example.com/a")', [`prefix part ${SUBDOMAIN_MSG}`]],
    [
      'format.qualifiedName().validate("a/b/c")',
      [`a valid label key ${LABEL_KEY_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    ],
    // maskTrailingDash drops two bytes for one `a`, so a prefix ending `.-` passes.
    ['format.dns1123LabelPrefix().validate("a.-")', null],
    ['format.dns1123SubdomainPrefix().validate("a.-")', null],
    ['format.dns1123LabelPrefix().validate("-")', [LABEL_MSG]],
    ['format.dns1123LabelPrefix().validate("é-")', [LABEL_MSG]],
    ['format.dns1123Label().validate("a-")', [LABEL_MSG]],
    ['format.uri().validate("")', ['parse "": empty url']],
    ['format.uri().validate("relative")', ['parse "relative": invalid URI for request']],
    ['format.uuid().validate("123E4567E89B12D3A456426614174000")', null],
    ['format.uuid().validate("123e4567-e89b-12d3-a456-42661417400")', ['does not match the UUID format']],
    ['format.byte().validate("")', ['invalid base64']],
    ['format.byte().validate("a+/=")', null],
    ['format.date().validate("2020-02-29")', null],
    ['format.date().validate("2021-02-29")', ['invalid date']],
    ['format.date().validate("1900-02-29")', ['invalid date']],
    ['format.date().validate("2000-02-29")', null],
    ['format.date().validate("2020-13-01")', ['invalid date']],
    ['format.date().validate("2020-1-01")', ['invalid date']],
    ['format.datetime().validate("2020-01-01t23:59:59z")', null],
    ['format.datetime().validate("2020-01-01T00:00:00.123+01:00")', null],
    ['format.datetime().validate("2020-01-01T24:00:00Z")', ['invalid datetime']],
    ['format.datetime().validate("2020-01-01T23:59:60Z")', ['invalid datetime']],
    ['format.datetime().validate("2020-01-01T00:00:00")', ['invalid datetime']],
    ['format.datetime().validate("2020-01-01 00:00:00Z")', ['invalid datetime']],
    // strfmt reads only up to a second `t`, and its fraction separator is any character.
    ['format.datetime().validate("2020-01-01T00:00:00ZTjunk")', null],
    ['format.datetime().validate("2020-01-01T00:00:00x5Z")', null],
  ])('%s is %j', (expr, want) => {
    expect(messages(expr)).toEqual(want);
  });

  it.each(NAMES)('format.named("%s") is format.%s()', (name) => {
    expect(evaluate(`format.named("${name}").hasValue()`)).toBe(true);
    expect(evaluate(`format.named("${name}").value() == format.${name}()`)).toBe(true);
  });

  it.each(NAMES)('format.%s() equals no other format', (name) => {
    for (const other of NAMES.filter((n) => n !== name)) expect(evaluate(`format.${name}() == format.${other}()`)).toBe(false);
  });

  it.each([
    ['format.named("unknown").hasValue()', false],
    ['format.named("DNS1123Label").hasValue()', false],
    ['format.named("dns1123Label").value().validate("x").hasValue()', false],
    ['format.dns1123Label().validate("X").value().size()', 1n],
    ['format.dns1123Label() in [format.uri(), format.dns1123Label()]', true],
  ])('%s is %s', (expr, want) => {
    expect(evaluate(expr)).toBe(want);
  });

  it.each([
    ['format.named("uri")', 'optional<kubernetes.NamedFormat>'],
    ['format.uri()', 'kubernetes.NamedFormat'],
    ['format.uri().validate("x")', 'optional<list<string>>'],
  ])('%s has type %s', (expr, type) => {
    expect(kubernetesEnvironment().check(expr).type).toBe(type);
  });

  it.each([
    ['format.unknown()', 'found no matching overload'],
    ['format.uri().validate(1)', 'found no matching overload'],
  ])('%s does not type-check', (expr, message) => {
    expect(kubernetesEnvironment().check(expr).error?.message).toContain(message);
  });

  it.each([
    // A regex match: a tenth of the string's length plus one, times a quarter of the pattern's (estimated) size.
    ['format.dns1123Label().validate("abc")', 1 * 8],
    ['format.dns1123Subdomain().validate("a-longer-name.example.com")', 3 * 15],
    ['format.uri().validate("http://example.com")', 2 * 276],
    ['format.named("uri").value().validate("")', 1 + 1 * 276],
    ['format.uri() == format.uri()', 1],
  ])('%s costs %d', (expr, cost) => {
    expect(metered(Number.POSITIVE_INFINITY, () => evaluate(expr)).cost).toBe(cost);
  });
});
