/**
 * Request body parsing: JSON, YAML and the four PATCH types, each rejected with kube-apiserver's Status
 * when malformed. Bodies are parsed as-is: nothing is coerced or dropped here (the registry does that
 * against the API's own schema).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { newBadRequest } from '../../apimachinery/errors.js';
import { setDuplicateFields, setYamlStrictError } from '../request/context.js';
import { MAX_JSON_DEPTH, scanJson } from './json-scan.js';
import { APPLY_PATCH_YAML, JSON_MEDIA_TYPE, JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, YAML_MEDIA_TYPE } from './media-types.js';

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw newBadRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

const tooDeep = (): Error => newBadRequest(`json: exceeded max depth of ${MAX_JSON_DEPTH} nested levels`);

/** JSON, with the repeated keys kept for the strict decoder and bodies nested too deep refused. */
function parseJsonBody(req: FastifyRequest, text: string): unknown {
  const value = parseJson(text);
  if (typeof value !== 'object' || value === null) return value;
  const scan = scanJson(text);
  if (scan.tooDeep) throw tooDeep();
  if (scan.duplicates.length > 0) setDuplicateFields(req, scan.duplicates);
  return value;
}

function parseYamlBody(body: string, uniqueKeys = true): unknown {
  let value: unknown;
  try {
    value = parseYaml(body, { prettyErrors: true, uniqueKeys });
  } catch (err) {
    if (err instanceof RangeError) throw tooDeep();
    throw newBadRequest(`error converting YAML to JSON: ${(err as Error).message}`);
  }
  if (depthExceeds(value, MAX_JSON_DEPTH)) throw tooDeep();
  return value;
}

/** Whether a parsed value nests deeper than `max` (iterative: the value may be deeper than the stack). */
function depthExceeds(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * An apply body is read as upstream's lenient YAML decoder reads it (a repeated key: the last wins); the
 * strict decoder's complaint is kept for fieldValidation, in goyaml's words.
 */
function repeatedKey(text: string): string | undefined {
  try {
    parseYaml(text);
    return undefined;
  } catch (err) {
    const pos = (err as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    if (!pos || !/unique/.test((err as Error).message)) return undefined;
    const key = /^\s*(?:-\s+)?["']?([^"':]*)/.exec(text.split('\n')[pos.line - 1]?.slice(pos.col - 1) ?? '')?.[1] ?? '';
    return `error converting YAML to JSON: yaml: unmarshal errors:\n  line ${pos.line}: key ${JSON.stringify(key)} already set in map`;
  }
}

export function installBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const json = (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, value?: unknown) => void): void => {
    try {
      const text = body.toString();
      done(null, text.trim() === '' ? undefined : parseJsonBody(req, text));
    } catch (err) {
      done(err as Error);
    }
  };
  const yaml = (_req: unknown, body: string | Buffer, done: (err: Error | null, value?: unknown) => void): void => {
    try {
      done(null, parseYamlBody(body.toString()));
    } catch (err) {
      done(err as Error);
    }
  };
  for (const type of [JSON_MEDIA_TYPE, JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH]) {
    app.addContentTypeParser(type, { parseAs: 'string' }, json);
  }
  app.addContentTypeParser(YAML_MEDIA_TYPE, { parseAs: 'string' }, yaml);
  app.addContentTypeParser(APPLY_PATCH_YAML, { parseAs: 'string' }, (req, body, done) => {
    try {
      const text = body.toString();
      const value = parseYamlBody(text, false);
      const repeated = repeatedKey(text);
      if (repeated) setYamlStrictError(req, repeated);
      done(null, value);
    } catch (err) {
      done(err as Error);
    }
  });
}
