/** Waits for APIServices, as the aggregator's availability controller reports them. */
import type { Kubectl } from '../support/kubectl.js';
import { eventually } from './process.js';

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export async function availableCondition(kubectl: Kubectl, name: string): Promise<Condition | undefined> {
  const apiService = JSON.parse(await kubectl.ok(['get', 'apiservice', name, '-o', 'json'])) as { status?: { conditions?: Condition[] } };
  return apiService.status?.conditions?.find((c) => c.type === 'Available');
}

/** Resolves with each APIService's Available condition once all are True; on time-out, says what they report. */
export async function waitAvailable(kubectl: Kubectl, names: string[], describe: () => string, timeoutMs = 120_000): Promise<Condition[]> {
  return eventually(
    `APIServices ${names.join(', ')} to become Available`,
    async () => {
      const conditions = await Promise.all(names.map((n) => availableCondition(kubectl, n)));
      return conditions.every((c) => c?.status === 'True') ? (conditions as Condition[]) : undefined;
    },
    {
      timeoutMs,
      intervalMs: 1000,
      describe: async () => {
        const now = await Promise.all(
          names.map(async (n) => `${n}: ${JSON.stringify(await availableCondition(kubectl, n).catch((e: Error) => e.message))}`),
        );
        return `${now.join('\n')}\n${describe()}`;
      },
    },
  );
}
