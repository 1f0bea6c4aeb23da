/**
 * Query parameters as kube-apiserver's parameter codec converts them (`Convert_Slice_string_To_*`): the first
 * of repeated values counts; a bool is false only when absent, `false` or `0`; an integer that does not
 * parse is a 400 with strconv's message.
 */
import type { FastifyRequest } from 'fastify';
import { newBadRequest } from '../../apimachinery/errors.js';

/** A query parameter's first value; repeated parameters keep the first as Go's `Query().Get` does. */
export function queryParam(req: FastifyRequest, name: string): string | undefined {
  const value = (req.query as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Every value of a repeated parameter (`dryRun=All&dryRun=All`). */
export function queryParams(req: FastifyRequest, name: string): string[] {
  return ([] as string[]).concat((req.query as Record<string, string | string[] | undefined>)[name] ?? []);
}

function parseQueryBool(value: string | undefined): boolean {
  return value !== undefined && value !== 'false' && value !== '0';
}

function parseQueryInt(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw newBadRequest(
      `strconv.ParseInt: parsing ${JSON.stringify(value)}: ${/^[+-]?\d+$/.test(value) ? 'value out of range' : 'invalid syntax'}`,
    );
  }
  return Number(value);
}

export function boolParam(req: FastifyRequest, name: string): boolean {
  return parseQueryBool(queryParam(req, name));
}

/** A pointer-typed bool option (`*bool`): undefined when absent, else read as `boolParam` reads it. */
export function optionalBoolParam(req: FastifyRequest, name: string): boolean | undefined {
  const value = queryParam(req, name);
  return value === undefined ? undefined : parseQueryBool(value);
}

export function intParam(req: FastifyRequest, name: string): number | undefined {
  return parseQueryInt(queryParam(req, name));
}
