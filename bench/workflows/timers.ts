/**
 * Workflows that do nothing but wait: the replay bench's baselines. `oneTimer` is the trivial
 * workflow (what a replay costs at all); `timers(n)` has as many workflow tasks as a journey
 * with none of its work (what the SDK costs per workflow task).
 */
import { sleep } from '@temporalio/workflow';

export async function oneTimer(): Promise<void> {
  await sleep('1 day');
}

export async function timers(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await sleep('1 day');
}
