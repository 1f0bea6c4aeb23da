/** The query options every write shares: dryRun and fieldValidation (default Warn, as kube-apiserver). */
import type { FastifyRequest } from 'fastify';
import { newBadRequest } from '../../apimachinery/errors.js';
import type { WriteOptions } from '../../registry/rest/scope.js';

export function writeOptions(req: FastifyRequest): WriteOptions {
  const query = req.query as Record<string, string | string[] | undefined>;
  const dryRun = ([] as string[]).concat(query.dryRun ?? []);
  for (const v of dryRun) {
    if (v !== 'All') throw newBadRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  }
  const fv = ([] as string[]).concat(query.fieldValidation ?? [])[0] ?? 'Warn';
  if (fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore') {
    throw newBadRequest(`fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`);
  }
  return { dryRun: dryRun.length > 0, fieldValidation: fv, warnings: [] };
}
