/**
 * Request body parsing: JSON, YAML and the four PATCH types, each rejected with kube-apiserver's Status
 * when malformed. Bodies are parsed as-is: nothing is coerced or dropped here (the registry does that
 * against the API's own schema).
 */
import type { FastifyInstance } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { newBadRequest } from '../../apimachinery/errors.js';
import {
  APPLY_PATCH_YAML, JSON_MEDIA_TYPE, JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, YAML_MEDIA_TYPE,
} from './media-types.js';

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw newBadRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

function parseYamlBody(body: string): unknown {
  try {
    return parseYaml(body, { prettyErrors: true });
  } catch (err) {
    throw newBadRequest(`error converting YAML to JSON: ${(err as Error).message}`);
  }
}

export function installBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const json = (_req: unknown, body: string | Buffer, done: (err: Error | null, value?: unknown) => void): void => {
    try {
      const text = body.toString();
      done(null, text.trim() === '' ? undefined : parseJson(text));
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
  for (const type of [YAML_MEDIA_TYPE, APPLY_PATCH_YAML]) {
    app.addContentTypeParser(type, { parseAs: 'string' }, yaml);
  }
}
