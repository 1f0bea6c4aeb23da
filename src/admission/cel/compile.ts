/**
 * Compiling one admission expression (`CompileCELExpression`): a parse or type error is upstream's
 * `compilation failed: ERROR: <input>:...` and an expression of the wrong type `must evaluate to bool but got
 * int`; either becomes the expression's evaluation error, handled by the failure policy where it is used.
 */
import type { Environment, ParseResult } from '@marcbachmann/cel-js';
import { instrument } from '../../cel/cost.js';
import { compileIssue } from '../../cel/issues.js';

/** The types an expression may evaluate to; dyn (unknown until evaluated) is accepted for any of them. */
export type ReturnTypes = readonly string[] | 'any';

export type CompiledExpression =
  | { expression: string; program: ParseResult; error?: undefined }
  | { expression: string; program?: undefined; error: string };

export function compileExpression(env: Environment, expression: string, returns: ReturnTypes): CompiledExpression {
  let program: ParseResult;
  try {
    program = env.parse(expression);
  } catch (err) {
    return { expression, error: `compilation failed: ${compileIssue(err, expression)}` };
  }
  const checked = program.check();
  if (!checked.valid) return { expression, error: `compilation failed: ${compileIssue(checked.error, expression)}` };
  const type = checked.type ?? 'dyn';
  if (returns !== 'any' && type !== 'dyn' && !returns.includes(type)) {
    const want = returns.length === 1 ? returns[0] : `one of [${returns.join(' ')}]`;
    return { expression, error: `must evaluate to ${want} but got ${type}` };
  }
  instrument(program.ast);
  return { expression, program };
}
