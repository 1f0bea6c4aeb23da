/**
 * CEL identifiers for schema property names, as k8s.io/apiserver/pkg/cel `Escape`: reserved words become
 * `__word__`, `__` `.` `-` `/` become `__underscores__` `__dot__` `__dash__` `__slash__`; a name with any
 * other character (or a leading digit) cannot be escaped and is not visible to rules.
 */

const RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

const EXPANSIONS: Record<string, string> = { __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' };

/** The escaped identifier, or undefined where upstream's `Escape` answers false. */
export function escapeFieldName(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z0-9_.\-/]*$/.test(name)) return undefined;
  return name.replace(/__|[.\-/]/g, (s) => EXPANSIONS[s]!);
}
