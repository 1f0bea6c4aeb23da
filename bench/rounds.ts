/**
 * Rotated rounds: for one operation, every subject is measured back to back, the order rotated each round
 * (A B C D, then B C D A, ...), so that each ratio is taken between neighbours in time on a shared, noisy
 * machine and no subject always runs first (cold) or last (after the others heated the machine).
 */
import { median } from './cannon.js';

/** `xs` rotated left by `round` places. */
export function rotated<T>(xs: readonly T[], round: number): T[] {
  if (xs.length === 0) return [];
  const k = round % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(xs: number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** A measurement that failed is kept as its message: one subject's failure leaves its cell empty, not the run. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: string };

/** `runs` rounds of `measure` over `subjects`, in rotated order; each subject's outcomes in round order. */
export async function rounds<S, R>(
  subjects: readonly S[],
  runs: number,
  measure: (subject: S, round: number) => Promise<R>,
): Promise<Map<S, Outcome<R>[]>> {
  const outcomes = new Map<S, Outcome<R>[]>(subjects.map((s) => [s, []]));
  for (let round = 0; round < runs; round++) {
    for (const subject of rotated(subjects, round)) {
      let outcome: Outcome<R>;
      try {
        outcome = { ok: true, value: await measure(subject, round) };
      } catch (err) {
        outcome = { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      outcomes.get(subject)?.push(outcome);
    }
  }
  return outcomes;
}
