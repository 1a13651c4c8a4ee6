import pLimit from 'p-limit';

/** Calls toward the journey service at once, per request. */
export const GATEWAY_CONCURRENCY = 16;

/** Runs `work` over `items` with at most `limit` in flight (p-limit); results keep the items' order. */
export function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const run = pLimit(limit);
  return Promise.all(items.map((item, index) => run(() => work(item, index))));
}
