/**
 * A parse or type error in cel-go's `Issues.String()` layout, so compile errors read like kube-apiserver's:
 * `ERROR: <input>:1:10: <message>` then the source line and a caret under the column. The message itself is
 * the JavaScript library's (cel-go words some differently, e.g. "undefined field" for "No such key").
 */

/** The library's wording of the most common check errors, in cel-go's. */
function celGoWording(summary: string): string {
  const overload = /^no such overload: (\S+) (==|!=|<=|>=|<|>|\+|-|\*|\/|%|in) (\S+)$/.exec(summary);
  if (overload) {
    const [, left, op, right] = overload;
    return `found no matching overload for '${op === 'in' ? '@in' : `_${op}_`}' applied to '(${left}, ${right})'`;
  }
  const key = /^No such key: (.+)$/.exec(summary);
  return key ? `undefined field '${key[1]}'` : summary;
}

export function compileIssue(err: unknown, src: string): string {
  const e = err as { summary?: string; message?: string; range?: { start: number } };
  const summary = celGoWording(e.summary ?? e.message?.split('\n')[0] ?? String(err));
  const at = Math.min(e.range?.start ?? 0, src.length);
  const before = src.slice(0, at);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const col = Array.from(src.slice(lineStart, at)).length;
  const text = src.slice(lineStart).split('\n')[0];
  return `ERROR: <input>:${line}:${col + 1}: ${summary}\n | ${text}\n | ${'.'.repeat(col)}^`;
}

/** The library's runtime error without its source excerpt, as cel-go's runtime errors read (`division by zero`). */
export function errorText(err: unknown): string {
  const e = err as { summary?: string; message?: string };
  return e.summary ?? e.message?.split('\n')[0] ?? String(err);
}
