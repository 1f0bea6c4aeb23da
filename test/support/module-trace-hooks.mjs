/** module-trace.mjs's resolve hook (it runs on the loader's thread), and what names a package. */
import { appendFileSync } from 'node:fs';

let trace;

export function initialize(data) {
  trace = data?.trace;
}

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`); undefined for paths and builtins. */
export function packageOf(specifier) {
  if (/^(\.|\/|node:|file:|data:)/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export async function resolve(specifier, context, next) {
  const name = packageOf(specifier);
  if (trace && name) appendFileSync(trace, `${name}\n`);
  return next(specifier, context);
}
