/**
 * A Queue drained by 100 workers against p-queue at concurrency 100 and a hand-written
 * array queue with 100 async workers: 100,000 jobs in a full run.
 *
 * Every contender moves the same items, `0 .. n-1`, from a queue to 100 consumers that
 * each handle one item at a time with an asynchronous step (`Promise.resolve(i)`, the
 * smallest one there is, so what is measured is the queue and its workers), and sums
 * what comes out (the check: `{ n, sum }`).
 *
 * - Queue: the items are put with `putNowait` (as a producer that is ahead of its
 *   consumers would), and each worker is the asyncio loop `while True: item = await
 *   queue.get(); await handle(item)` written the RxJS way:
 *   `queue.get().pipe(concatMap(handle), repeat())`. The run ends when the
 *   last item has been handled; the workers, waiting for more, are unsubscribed.
 * - p-queue: `queue.add(() => handle(i))` for every item, then `onIdle()`.
 * - array queue: an array and a read index, and 100 `async` workers looping over it:
 *   what an application writes when it needs nothing else (no waiting for items to
 *   come, no bound, no cancellation).
 */
import { concatMap, repeat } from 'rxjs';
import type { Subscription } from 'rxjs';
import { Queue } from '../../lib/queue';
import { sumBelow } from '../lib/jobs';
import type { CountCheck, SizeParams } from '../lib/jobs';
import { defineScenario } from '../lib/scenario';
import type { Probe } from '../lib/scenario';

const WORKERS = 100;

/** The asynchronous step of every contender, ticking the probe. */
function handler(probe: Probe): (item: number) => Promise<number> {
  return (item) => {
    probe.tick();
    return Promise.resolve(item);
  };
}

/** Counts and sums what the workers hand over; resolves when all `n` items are in. */
class Tally {
  n = 0;
  sum = 0;
  constructor(
    private readonly total: number,
    private readonly resolve: (check: CountCheck) => void,
    readonly error: (err: unknown) => void,
  ) {}
  next(item: number): void {
    this.n++;
    this.sum += item;
    if (this.n === this.total) this.resolve({ n: this.n, sum: this.sum });
  }
}

function queueWorkers(n: number, probe: Probe): Promise<CountCheck> {
  const queue = new Queue<number>();
  for (let i = 0; i < n; i++) queue.putNowait(i);
  const handle = handler(probe);
  const worker = queue.get().pipe(concatMap(handle), repeat());
  const workers: Subscription[] = [];
  return new Promise<CountCheck>((resolve, reject) => {
    const tally = new Tally(n, resolve, reject);
    for (let w = 0; w < WORKERS; w++) workers.push(worker.subscribe(tally));
  }).finally(() => {
    for (const subscription of workers) subscription.unsubscribe();
  });
}

async function arrayQueue(n: number, probe: Probe): Promise<CountCheck> {
  const items: number[] = [];
  for (let i = 0; i < n; i++) items.push(i);
  const handle = handler(probe);
  let next = 0;
  let count = 0;
  let sum = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const value = await handle(items[next++]!);
      count++;
      sum += value;
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return { n: count, sum };
}

export default defineScenario<SizeParams>({
  title: 'a Queue drained by 100 workers vs p-queue(100) and an array queue, over async jobs (100,000 in a full run)',
  description:
    'Items 0 .. n-1 go through a queue to 100 consumers, each handling one item at a time with `Promise.resolve(i)`; ' +
    "the check is the count and the sum. The reference is p-queue 9 at concurrency 100. Target: the Queue's throughput " +
    "at least p-queue's (its × ref at least 1.00×). The array queue is the floor: an array, an index and 100 async loops.",
  params: { full: { n: 100_000 }, quick: { n: 10_000 } },
  expected: ({ n }) => sumBelow(n),
  ticks: ({ n }) => n,
  budgetMs: { full: 20_000, quick: 5_000 },
  throughput: { unit: 'items/s', count: ({ n }) => n },
  ratioTargets: [{ contender: 'Queue, 100 workers', over: 'p-queue(100)', atLeast: 1 }],
  contenders: [
    {
      name: 'Queue, 100 workers',
      note: 'rxjs-asyncio: `putNowait` every item, then 100 × `queue.get().pipe(concatMap(handle), repeat())`',
      prepare: ({ n }, probe) => ({ run: () => queueWorkers(n, probe) }),
    },
    {
      name: 'p-queue(100)',
      reference: true,
      note: 'p-queue 9: `const queue = new PQueue({ concurrency: 100 }); queue.add(() => handle(i))` for every item, then `await queue.onIdle()`',
      prepare: async ({ n }, probe) => {
        const { default: PQueue } = await import('p-queue');
        const handle = handler(probe);
        return {
          run: async () => {
            const queue = new PQueue({ concurrency: WORKERS });
            let count = 0;
            let sum = 0;
            for (let i = 0; i < n; i++) {
              void queue.add(async () => {
                const value = await handle(i);
                count++;
                sum += value;
              });
            }
            await queue.onIdle();
            return { n: count, sum };
          },
        };
      },
    },
    {
      name: 'array queue',
      note: 'hand-written: `while (next < items.length) await handle(items[next++])` in 100 async workers',
      prepare: ({ n }, probe) => ({ run: () => arrayQueue(n, probe) }),
    },
  ],
});
