/**
 * An apply that would take fields other managers own: 409 Conflict, one `FieldManagerConflict` cause per
 * field, and the message kubectl shows (managedfields' NewConflictError).
 */
import { StatusError } from '../../apimachinery/errors.js';
import { goQuote } from '../../apimachinery/go-format.js';
import { parseIdentifier } from './managed-fields.js';
import { type Path, pathToString } from './path.js';

export interface Conflict {
  /** The owning manager's identifier. */
  readonly manager: string;
  readonly path: Path;
}

/** printManager: an updater is named with the version it used, an applier is not. */
export function printManager(id: string): string {
  const info = parseIdentifier(id);
  let name = goQuote(info.manager ?? '');
  if (info.subresource) name = `${name} with subresource ${goQuote(info.subresource)}`;
  return info.operation === 'Update' ? `${name} using ${info.apiVersion ?? ''}` : name;
}

function conflictMessage(conflicts: readonly Conflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only)
    return `Apply failed with 1 conflict: conflict with ${printManager(only.manager)}: ${pathToString(only.path)}`;
  const byManager = new Map<string, Path[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(manager)}:`);
    for (const path of byManager.get(manager) ?? []) lines.push(`- ${pathToString(path)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

export function newApplyConflict(conflicts: readonly Conflict[]): StatusError {
  return new StatusError({
    code: 409,
    reason: 'Conflict',
    message: conflictMessage(conflicts),
    details: {
      causes: conflicts.map((c) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with ${printManager(c.manager)}`,
        field: pathToString(c.path),
      })),
    },
  });
}
