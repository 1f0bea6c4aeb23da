/** `admission.NewForbidden`: a 403 named by the request's name, else the object's name or generateName. */
import { newForbidden, type StatusError } from '../apimachinery/errors.js';
import type { Attributes } from './interfaces.js';

export function admissionForbidden(a: Attributes, message: string): StatusError {
  const obj = a.object ?? a.oldObject;
  const name = a.name || obj?.metadata.name || obj?.metadata.generateName || 'Unknown';
  return newForbidden({ group: a.resource.group, resource: a.resource.resource }, name, message);
}
