/**
 * `meta.k8s.io/v1` Tables for `kubectl get`, built as apiextensions-apiserver's table convertor does: a Name
 * column, then the version's additionalPrinterColumns (a definition with none gets an Age column, as CRD
 * defaulting gives), cells typed by column (dates shown as ages), and each row's object per `includeObject`.
 */
import { newBadRequest } from '../../apimachinery/errors.js';
import type { KubeObject, ListMeta } from '../../apimachinery/types.js';
import type { PrinterColumn, VersionDefinition } from '../../registry/definitions/types.js';
import { evaluate } from '../jsonpath/jsonpath.js';
import { humanDuration } from './human-duration.js';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  /** null with includeObject=None, as Go writes a nil RawExtension. */
  object: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';
  metadata: ListMeta;
  /** null after a watch's first Table (upstream's NoHeaders leaves the slice nil). */
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
}

const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  priority: 0,
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
};

function columnsOf(version: VersionDefinition): PrinterColumn[] {
  return version.additionalPrinterColumns.length > 0 ? version.additionalPrinterColumns : [AGE_COLUMN];
}

/** A date column's value, kept as found: its cell is an age, which depends on when the Table is written. */
interface DateValue {
  date: unknown;
}

function cell(column: PrinterColumn, obj: KubeObject): unknown {
  let results: unknown[];
  try {
    results = evaluate(obj, column.jsonPath);
  } catch {
    return null;
  }
  const value = results[0];
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case 'string':
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return { date: value } satisfies DateValue;
  }
  return null;
}

function age(value: unknown, now: number): unknown {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? '<invalid>' : humanDuration(now - t);
}

/**
 * A row as far as it does not depend on the time: its cells with date columns' values unrendered, and its
 * object per includeObject. `rowCells` renders it at a given time.
 */
export interface RowTemplate {
  cells: unknown[];
  object: unknown;
}

export function rowTemplate(obj: KubeObject, version: VersionDefinition, includeObject: string): RowTemplate {
  return { cells: [obj.metadata.name ?? '', ...columnsOf(version).map((c) => cell(c, obj))], object: rowObject(obj, includeObject) };
}

export function rowCells(row: RowTemplate, now: number): unknown[] {
  return row.cells.map((c) => (c !== null && typeof c === 'object' && 'date' in c ? age((c as DateValue).date, now) : c));
}

function rowObject(obj: KubeObject, includeObject: string): unknown {
  if (includeObject === 'None') return null;
  if (includeObject === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** includeObject as given, checked (`Metadata` when absent). */
export function includeObjectOf(given: string | undefined): string {
  const includeObject = given || 'Metadata';
  if (!['None', 'Metadata', 'Object'].includes(includeObject)) {
    throw newBadRequest(`includeObject: Unsupported value: "${includeObject}": supported values: "Metadata", "None", "Object"`);
  }
  return includeObject;
}

export function tableForObjects(
  objects: KubeObject[],
  version: VersionDefinition,
  opts: { includeObject?: string; listMeta?: ListMeta; noHeaders?: boolean; apiVersion?: Table['apiVersion'] },
): Table {
  const includeObject = includeObjectOf(opts.includeObject);
  const now = Date.now();
  return {
    ...tableHead(version, opts),
    rows: objects.map((obj) => {
      const row = rowTemplate(obj, version, includeObject);
      return { cells: rowCells(row, now), object: row.object };
    }),
  };
}

/** A Table without its rows. */
export function tableHead(
  version: VersionDefinition,
  opts: { listMeta?: ListMeta; noHeaders?: boolean; apiVersion?: Table['apiVersion'] },
): Omit<Table, 'rows'> {
  const columnDefinitions: TableColumnDefinition[] | null = opts.noHeaders
    ? null
    : [
        { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 },
        ...columnsOf(version).map((c) => ({
          name: c.name,
          type: c.type,
          format: c.format ?? '',
          priority: c.priority,
          // apiextensions-apiserver's wording for a column the definition does not describe.
          description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
        })),
      ];
  return { kind: 'Table', apiVersion: opts.apiVersion ?? 'meta.k8s.io/v1', metadata: opts.listMeta ?? {}, columnDefinitions };
}
