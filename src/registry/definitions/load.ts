/**
 * Reads the API to serve from CustomResourceDefinition-format YAML (files, or folders of them): each
 * document is decoded strictly and validated as apiextensions-apiserver would, and any problem stops
 * start-up with a DefinitionError naming the file, the line, the definition and the field.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { isPlainObject } from '../../apimachinery/types.js';
import { hasRules } from '../schema/cel/rules.js';
import type { CodeStrategies } from './code-strategies.js';
import { checkStructural } from './structural.js';
import type { JSONSchemaProps, PrinterColumn, ResourceDefinition, VersionDefinition } from './types.js';

export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

/** The shipped built-in group, found beside the code whether it runs from src/ (tsx) or dist/ (compiled). */
export function builtinDefinitionsPath(): string {
  return fileURLToPath(new URL('../../../definitions/wardle.example.com.yaml', import.meta.url));
}

const ALLOWED: Record<string, string[]> = {
  '': ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  spec: ['group', 'names', 'scope', 'versions', 'conversion', 'preserveUnknownFields'],
  names: ['plural', 'singular', 'kind', 'listKind', 'shortNames', 'categories'],
  version: [
    'name',
    'served',
    'storage',
    'deprecated',
    'deprecationWarning',
    'schema',
    'subresources',
    'additionalPrinterColumns',
    'selectableFields',
  ],
  schema: ['openAPIV3Schema'],
  subresources: ['status', 'scale'],
  scale: ['specReplicasPath', 'statusReplicasPath', 'labelSelectorPath'],
  column: ['name', 'type', 'format', 'description', 'priority', 'jsonPath'],
  selectableField: ['jsonPath'],
  conversion: ['strategy', 'webhook'],
};

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** One document being read: where errors point. */
class Reader {
  /** Versions whose schema has x-kubernetes-validations, compiled once the document is read (compileRules). */
  readonly withRules: { version: VersionDefinition; schema: JSONSchemaProps; path: (string | number)[] }[] = [];

  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
    readonly crdName: string,
  ) {}

  fail(path: (string | number)[], message: string): never {
    const where = this.line(path);
    const field = path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
    throw new DefinitionError(
      `${this.file}${where ? `:${where}` : ''}: CustomResourceDefinition "${this.crdName}": ${field ? `${field}: ` : ''}${message}`,
    );
  }

  private line(path: (string | number)[]): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }

  only(value: Record<string, unknown>, allowed: string[], path: (string | number)[]): void {
    for (const k of Object.keys(value)) {
      if (!allowed.includes(k)) this.fail([...path, k], 'unknown field');
    }
  }

  object(value: unknown, path: (string | number)[]): Record<string, unknown> {
    if (!isPlainObject(value)) this.fail(path, 'must be an object');
    return value;
  }

  string(value: unknown, path: (string | number)[], required = true): string | undefined {
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '') this.fail(path, 'Required value: must be a non-empty string');
    return value;
  }

  bool(value: unknown, path: (string | number)[]): boolean {
    if (value === undefined) return false;
    if (typeof value !== 'boolean') this.fail(path, 'must be true or false');
    return value;
  }

  strings(value: unknown, path: (string | number)[]): string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) this.fail(path, 'must be a list of strings');
    return value as string[];
  }
}

async function filesOf(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new DefinitionError(`${path}: no such file or directory`);
  if (!info.isDirectory()) return [path];
  const entries = (await readdir(path)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  return entries.map((f) => join(path, f));
}

/**
 * `codeStrategies` maps a file's absolute path to the rules in code for the kinds it defines: they belong to
 * the file they were written for, so a user's own definitions of the same group get none.
 */
export async function loadDefinitions(
  paths: string[],
  codeStrategies: ReadonlyMap<string, CodeStrategies> = new Map(),
): Promise<ResourceDefinition[]> {
  const defs: ResourceDefinition[] = [];
  for (const p of paths) {
    const before = defs.length;
    for (const file of await filesOf(resolve(p))) {
      const text = await readFile(file, 'utf8');
      defs.push(...(await parseDefinitions(text, file, codeStrategies.get(file))));
    }
    // An empty folder (or a file of comments) would serve nothing, silently: say so instead.
    if (defs.length === before) {
      throw new DefinitionError(`${resolve(p)}: no CustomResourceDefinition found (a folder's .yaml, .yml and .json files are read)`);
    }
  }
  checkClashes(defs);
  return defs;
}

export async function parseDefinitions(text: string, file: string, codeStrategies?: CodeStrategies): Promise<ResourceDefinition[]> {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true });
  if (!Array.isArray(docs)) throw new DefinitionError(`${file}: not a YAML document stream`);
  const out: ResourceDefinition[] = [];
  for (const doc of docs) {
    const first = doc.errors[0];
    if (first) {
      const at = first.linePos?.[0];
      throw new DefinitionError(`${file}${at ? `:${at.line}` : ''}: ${first.message.split('\n')[0]}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const name =
      isPlainObject(value) && isPlainObject(value.metadata) && typeof value.metadata.name === 'string' ? value.metadata.name : '';
    const r = new Reader(file, doc, lines, name);
    out.push(toDefinition(r, value, codeStrategies));
    await compileRules(r);
  }
  return out;
}

function toDefinition(r: Reader, value: unknown, codeStrategies: CodeStrategies | undefined): ResourceDefinition {
  const crd = r.object(value, []);
  r.only(crd, ALLOWED[''] as string[], []);
  if (crd.apiVersion !== 'apiextensions.k8s.io/v1' || crd.kind !== 'CustomResourceDefinition') {
    r.fail(['kind'], `expected apiextensions.k8s.io/v1 CustomResourceDefinition, got ${String(crd.apiVersion)} ${String(crd.kind)}`);
  }
  const spec = r.object(crd.spec, ['spec']);
  r.only(spec, ALLOWED.spec as string[], ['spec']);
  const group = r.string(spec.group, ['spec', 'group']) as string;
  if (!DNS1123_SUBDOMAIN.test(group) || !group.includes('.'))
    r.fail(['spec', 'group'], `Invalid value: "${group}": should be a domain with at least one dot`);
  const n = r.object(spec.names, ['spec', 'names']);
  r.only(n, ALLOWED.names as string[], ['spec', 'names']);
  const plural = r.string(n.plural, ['spec', 'names', 'plural']) as string;
  const kind = r.string(n.kind, ['spec', 'names', 'kind']) as string;
  const singular = r.string(n.singular, ['spec', 'names', 'singular'], false) ?? kind.toLowerCase();
  const listKind = r.string(n.listKind, ['spec', 'names', 'listKind'], false) ?? `${kind}List`;
  for (const [field, v] of [
    ['plural', plural],
    ['singular', singular],
  ] as const) {
    if (!DNS1035.test(v)) r.fail(['spec', 'names', field], `Invalid value: "${v}": a lowercase RFC 1035 label is required`);
  }
  if (!DNS1035.test(kind.toLowerCase())) r.fail(['spec', 'names', 'kind'], `Invalid value: "${kind}"`);
  const expectedName = `${plural}.${group}`;
  if (r.crdName !== expectedName)
    r.fail(['metadata', 'name'], `Invalid value: "${r.crdName}": must be spec.names.plural+"."+spec.group ("${expectedName}")`);
  const scope = spec.scope;
  if (scope !== 'Namespaced' && scope !== 'Cluster')
    r.fail(['spec', 'scope'], `Unsupported value: "${String(scope)}": supported values: "Cluster", "Namespaced"`);
  if (spec.conversion !== undefined) {
    const conv = r.object(spec.conversion, ['spec', 'conversion']);
    r.only(conv, ALLOWED.conversion as string[], ['spec', 'conversion']);
    if (conv.strategy !== 'None')
      r.fail(
        ['spec', 'conversion', 'strategy'],
        `Unsupported value: "${String(conv.strategy)}": only "None" is supported (webhook conversion is not supported yet)`,
      );
  }
  if (!Array.isArray(spec.versions) || spec.versions.length === 0)
    r.fail(['spec', 'versions'], 'Required value: must have at least one version');
  const versions = spec.versions.map((v, i) => toVersion(r, v, ['spec', 'versions', i]));
  const names = new Set<string>();
  versions.forEach((v, i) => {
    if (names.has(v.name)) r.fail(['spec', 'versions', i, 'name'], `Duplicate value: "${v.name}"`);
    names.add(v.name);
  });
  const storage = versions.filter((v) => v.storage);
  if (storage.length !== 1)
    r.fail(['spec', 'versions'], `Invalid value: must have exactly one version marked as storage version, found ${storage.length}`);
  if (!versions.some((v) => v.served)) r.fail(['spec', 'versions'], 'Invalid value: must have at least one served version');
  const convertNone = (obj: Parameters<ResourceDefinition['convert']>[0], to: string) =>
    obj.apiVersion === `${group}/${to}` ? obj : { ...obj, apiVersion: `${group}/${to}` };
  const code = codeStrategies?.get(group, kind);
  return {
    group,
    names: {
      plural,
      singular,
      kind,
      listKind,
      shortNames: r.strings(n.shortNames, ['spec', 'names', 'shortNames']),
      categories: r.strings(n.categories, ['spec', 'names', 'categories']),
    },
    scope,
    versions,
    storageVersion: (storage[0] as VersionDefinition).name,
    convert: code?.conversion ? code.conversion(convertNone) : convertNone,
    source: r.file,
    ...(code ? { strategy: code } : {}),
  };
}

function toVersion(r: Reader, value: unknown, path: (string | number)[]): VersionDefinition {
  const v = r.object(value, path);
  r.only(v, ALLOWED.version as string[], path);
  const name = r.string(v.name, [...path, 'name']) as string;
  if (!DNS1035.test(name)) r.fail([...path, 'name'], `Invalid value: "${name}": a DNS-1035 label is required`);
  let schema: JSONSchemaProps | undefined;
  if (v.schema !== undefined) {
    const s = r.object(v.schema, [...path, 'schema']);
    r.only(s, ALLOWED.schema as string[], [...path, 'schema']);
    if (s.openAPIV3Schema !== undefined) {
      schema = r.object(s.openAPIV3Schema, [...path, 'schema', 'openAPIV3Schema']) as JSONSchemaProps;
      const problem = checkStructural(schema);
      if (problem) r.fail([...path, 'schema', 'openAPIV3Schema', ...problem.path], problem.message);
    }
  }
  const subresources = { status: false } as VersionDefinition['subresources'];
  if (v.subresources !== undefined) {
    const sub = r.object(v.subresources, [...path, 'subresources']);
    r.only(sub, ALLOWED.subresources as string[], [...path, 'subresources']);
    subresources.status = sub.status !== undefined;
    if (sub.scale !== undefined) {
      const sc = r.object(sub.scale, [...path, 'subresources', 'scale']);
      r.only(sc, ALLOWED.scale as string[], [...path, 'subresources', 'scale']);
      subresources.scale = {
        specReplicasPath: r.string(sc.specReplicasPath, [...path, 'subresources', 'scale', 'specReplicasPath']) as string,
        statusReplicasPath: r.string(sc.statusReplicasPath, [...path, 'subresources', 'scale', 'statusReplicasPath']) as string,
        labelSelectorPath: r.string(sc.labelSelectorPath, [...path, 'subresources', 'scale', 'labelSelectorPath'], false),
      };
    }
  }
  const columns = (
    Array.isArray(v.additionalPrinterColumns)
      ? v.additionalPrinterColumns
      : v.additionalPrinterColumns === undefined
        ? []
        : r.fail([...path, 'additionalPrinterColumns'], 'must be a list')
  ).map((c: unknown, i: number) => toColumn(r, c, [...path, 'additionalPrinterColumns', i]));
  const selectable = (
    Array.isArray(v.selectableFields)
      ? v.selectableFields
      : v.selectableFields === undefined
        ? []
        : r.fail([...path, 'selectableFields'], 'must be a list')
  ).map((f: unknown, i: number) => {
    const o = r.object(f, [...path, 'selectableFields', i]);
    r.only(o, ALLOWED.selectableField as string[], [...path, 'selectableFields', i]);
    return r.string(o.jsonPath, [...path, 'selectableFields', i, 'jsonPath']) as string;
  });
  const version: VersionDefinition = {
    name,
    served: r.bool(v.served, [...path, 'served']),
    storage: r.bool(v.storage, [...path, 'storage']),
    deprecated: r.bool(v.deprecated, [...path, 'deprecated']),
    deprecationWarning: r.string(v.deprecationWarning, [...path, 'deprecationWarning'], false),
    schema,
    additionalPrinterColumns: columns,
    selectableFields: selectable,
    subresources,
  };
  if (schema && hasRules(schema)) r.withRules.push({ version, schema, path });
  return version;
}

/**
 * Compiles the document's x-kubernetes-validations: a rule that does not compile stops start-up, naming it. The
 * CEL library is loaded here, only for definitions that have rules (it is a tenth of an idle server's memory).
 */
async function compileRules(r: Reader): Promise<void> {
  if (r.withRules.length === 0) return;
  const { CelCompileError, compileValidations } = await import('../schema/cel/compile.js');
  for (const { version, schema, path } of r.withRules) {
    try {
      const validations = compileValidations(schema, `spec.versions[${String(path.at(-1))}].schema.openAPIV3Schema`);
      if (validations.root) version.validations = validations;
    } catch (err) {
      if (!(err instanceof CelCompileError)) throw err;
      r.fail([...path, 'schema', 'openAPIV3Schema'], err.message);
    }
  }
}

const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];

function toColumn(r: Reader, value: unknown, path: (string | number)[]): PrinterColumn {
  const c = r.object(value, path);
  r.only(c, ALLOWED.column as string[], path);
  const type = r.string(c.type, [...path, 'type']) as string;
  if (!COLUMN_TYPES.includes(type))
    r.fail([...path, 'type'], `Unsupported value: "${type}": supported values: ${COLUMN_TYPES.map((t) => `"${t}"`).join(', ')}`);
  if (c.priority !== undefined && (typeof c.priority !== 'number' || !Number.isInteger(c.priority) || c.priority < 0)) {
    r.fail([...path, 'priority'], 'must be a non-negative integer');
  }
  return {
    name: r.string(c.name, [...path, 'name']) as string,
    type: type as PrinterColumn['type'],
    format: r.string(c.format, [...path, 'format'], false),
    description: r.string(c.description, [...path, 'description'], false),
    priority: (c.priority as number | undefined) ?? 0,
    jsonPath: r.string(c.jsonPath, [...path, 'jsonPath']) as string,
  };
}

/** Two definitions may not claim the same resource, kind or short name in one group. */
function checkClashes(defs: ResourceDefinition[]): void {
  const seen = new Map<string, ResourceDefinition>();
  for (const d of defs) {
    const claims = [
      `plural ${d.group}/${d.names.plural}`,
      `kind ${d.group}/${d.names.kind}`,
      ...d.names.shortNames.map((s) => `short name ${d.group}/${s}`),
    ];
    for (const claim of claims) {
      const other = seen.get(claim);
      if (other) {
        throw new DefinitionError(
          `${d.source}: CustomResourceDefinition "${d.names.plural}.${d.group}": ${claim} is already defined in ${other.source}`,
        );
      }
      seen.set(claim, d);
    }
  }
}
