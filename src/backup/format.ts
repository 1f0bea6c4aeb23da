/**
 * The backup file: JSON lines, written and read as a stream.
 *
 *   {"kind":"AggregatedApiserverBackup","apiVersion":"v1","resourceVersion":"812","created":"…","resources":[…]}
 *   {"key":"/wardle.example.com/flunders/default/a","object":{…the object in its storage version…}}
 *   …one line per object…
 *   {"end":true,"count":2,"sha256":"…"}
 *
 * Every object was read at the header's one resourceVersion (a consistent snapshot). The end record counts
 * the objects and hashes every line before it, so a truncated or altered file is refused before anything is
 * restored; `apiVersion` versions the format.
 */
import { createHash, type Hash } from 'node:crypto';
import type { KubeObject } from '../apimachinery/types.js';

export const BACKUP_KIND = 'AggregatedApiserverBackup';
export const BACKUP_FORMAT = 'v1';

export interface BackupHeader {
  kind: typeof BACKUP_KIND;
  apiVersion: typeof BACKUP_FORMAT;
  /** The resourceVersion every object was read at. */
  resourceVersion: string;
  created: string;
  /** `<plural>.<group>` of every resource the backup holds, in order. */
  resources: string[];
}

export interface BackupEntry {
  /** The storage key, `/<group>/<plural>/[<namespace>/]<name>`. */
  key: string;
  object: KubeObject;
}

interface EndRecord {
  end: true;
  count: number;
  sha256: string;
}

/** A file that cannot be restored, and why (with its line). */
export class BackupError extends Error {
  override name = 'BackupError';
}

/** Writes a backup to `write` line by line; `end` writes the end record. */
export class BackupWriter {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  /** The header's write, which every later line waits for. */
  private readonly pending: Promise<void>;

  constructor(
    private readonly write: (chunk: string) => Promise<void>,
    header: Omit<BackupHeader, 'kind' | 'apiVersion'>,
  ) {
    this.pending = this.line({ kind: BACKUP_KIND, apiVersion: BACKUP_FORMAT, ...header });
  }

  private line(value: unknown): Promise<void> {
    const text = `${JSON.stringify(value)}\n`;
    this.hash.update(text);
    return this.write(text);
  }

  async add(entry: BackupEntry): Promise<void> {
    await this.pending;
    this.count++;
    await this.line(entry);
  }

  async end(): Promise<number> {
    await this.pending;
    const end: EndRecord = { end: true, count: this.count, sha256: this.hash.digest('hex') };
    await this.write(`${JSON.stringify(end)}\n`);
    return this.count;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a whole backup and checks it: format, every line, no key twice, the count and the hash of the end
 * record. Calls `onEntry` for each object only in the second pass (`entries`), so nothing is acted on
 * before the file is known to be whole.
 */
export class BackupReader {
  private constructor(
    readonly header: BackupHeader,
    private readonly lines: () => AsyncIterable<string>,
    readonly count: number,
  ) {}

  /** Checks the file read by `lines` (called twice: to check, then to restore). */
  static async open(lines: () => AsyncIterable<string>): Promise<BackupReader> {
    const hash = createHash('sha256');
    let header: BackupHeader | undefined;
    let end: EndRecord | undefined;
    let count = 0;
    let n = 0;
    const keys = new Set<string>();
    for await (const text of lines()) {
      n++;
      if (end) {
        if (text.trim() === '') continue;
        throw new BackupError(`line ${n}: data after the end record`);
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new BackupError(`line ${n}: not JSON${n === 1 ? ' (not a backup of aggregated-apiserver)' : ': the file is corrupt'}`);
      }
      if (n === 1) {
        header = checkHeader(value);
      } else if (isObject(value) && value.end === true) {
        end = value as unknown as EndRecord;
        continue;
      } else {
        const entry = checkEntry(value, n);
        if (keys.has(entry.key)) throw new BackupError(`line ${n}: ${entry.key} appears twice`);
        keys.add(entry.key);
        count++;
      }
      hash.update(`${text}\n`);
    }
    if (!header) throw new BackupError('the file is empty');
    if (!end) throw new BackupError(`truncated: the file ends after line ${n} without its end record (${count} objects read)`);
    if (end.count !== count)
      throw new BackupError(`the end record counts ${end.count} objects, the file holds ${count}: the file is corrupt`);
    if (end.sha256 !== hash.digest('hex')) throw new BackupError("the end record's sha256 does not match the file: the file is corrupt");
    return new BackupReader(header, lines, count);
  }

  /** The objects, in the file's order (read again from the start). */
  async *entries(): AsyncIterable<BackupEntry> {
    let n = 0;
    for await (const text of this.lines()) {
      n++;
      if (n === 1) continue;
      const value = JSON.parse(text) as Record<string, unknown>;
      if (value.end === true) return;
      yield value as unknown as BackupEntry;
    }
  }
}

function checkHeader(value: unknown): BackupHeader {
  if (!isObject(value) || value.kind !== BACKUP_KIND)
    throw new BackupError(`line 1: not a backup of aggregated-apiserver (kind is not ${BACKUP_KIND})`);
  if (value.apiVersion !== BACKUP_FORMAT) {
    throw new BackupError(
      `line 1: backup format ${JSON.stringify(value.apiVersion)} is not supported (this version reads ${BACKUP_FORMAT})`,
    );
  }
  if (typeof value.resourceVersion !== 'string' || !Array.isArray(value.resources))
    throw new BackupError('line 1: the header lacks resourceVersion or resources');
  return value as unknown as BackupHeader;
}

function checkEntry(value: unknown, n: number): BackupEntry {
  if (!isObject(value) || typeof value.key !== 'string' || !isObject(value.object))
    throw new BackupError(`line ${n}: not an object record ({"key":…,"object":…})`);
  const metadata = value.object.metadata;
  const name = isObject(metadata) ? metadata.name : undefined;
  if (typeof name !== 'string' || !value.key.startsWith('/') || !value.key.endsWith(`/${name}`)) {
    throw new BackupError(`line ${n}: key ${JSON.stringify(value.key)} does not name the object's metadata.name`);
  }
  return value as unknown as BackupEntry;
}
