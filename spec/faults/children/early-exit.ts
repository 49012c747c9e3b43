/**
 * Run by spec/faults/unhandled.spec.ts in a child process with Node's default flags,
 * where an unhandled rejection ends the process with exit code 1. Each scenario leaves
 * a run early (an earlier failure, a timeout, `take(1)`, an unsubscribe) while Promise
 * inputs it never reached, or stopped waiting for, reject later. The process must end
 * on its own with exit code 0. `control` leaves a rejection unhandled on purpose, to
 * show that the harness would see one.
 */
import { Subject, of, take, throwError, timer } from 'rxjs';
import { Condition, RateLimiter, Semaphore, asCompleted, gather, gatherAll, wait } from '../../../lib';

/** A Promise that rejects on a timer, so that the process lives until it has. */
function rejectsLater(ms = 5): Promise<never> {
  return new Promise((_resolve, reject) => setTimeout(() => reject(new Error(`rejected after ${ms} ms`)), ms));
}

const scenarios: Record<string, () => void> = {
  control: () => void rejectsLater(),
  'gather: an earlier failure': () => gather([throwError(() => new Error('first')), rejectsLater()]).subscribe({ error: (e: Error) => console.log(e.message) }),
  'gather: a failure inside the concurrency window': () =>
    gather([throwError(() => new Error('first')), rejectsLater(), rejectsLater(10)], { concurrency: 1 }).subscribe({
      error: (e: Error) => console.log(e.message),
    }),
  'gather: the timeout': () => gather([timer(50), rejectsLater(10)], { timeout: 1, concurrency: 1 }).subscribe({ error: (e: Error) => console.log(e.name) }),
  // A Promise that rejects while it waits for a slot, the run still going: the run takes it up later.
  'gather: a Promise rejects while it waits for a slot': () =>
    gather([timer(30), rejectsLater()], { concurrency: 1 }).subscribe({ error: (e: Error) => console.log(e.message) }),
  'asCompleted: a Set, a Promise rejects while it waits for a slot': () =>
    asCompleted(new Set<Promise<never> | ReturnType<typeof timer>>([timer(30), rejectsLater()]), { concurrency: 1, returnExceptions: true }).subscribe((v) =>
      console.log(String(v)),
    ),
  'gather: an array iterator, a Promise rejects while it waits for a slot': () =>
    gather([timer(30), rejectsLater()].values(), { concurrency: 1, returnExceptions: true }).subscribe((v) => console.log(v.map(String).join())),
  "asCompleted: a Map's values, the first failure": () =>
    asCompleted(
      new Map<string, unknown>([
        ['a', throwError(() => new Error('first'))],
        ['b', rejectsLater()],
      ]).values() as never,
      { concurrency: 1 },
    ).subscribe({ error: (e: Error) => console.log(e.message) }),
  // Not an async generator: its `yield` would await the Promise.
  'gather: an async iterable brings a Promise after the timeout': () => {
    const late: AsyncIterable<Promise<never>> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise((resolve) => setTimeout(() => resolve({ value: rejectsLater(), done: false }), 20)),
      }),
    };
    gather(late, { timeout: 1 }).subscribe({ error: (e: Error) => console.log(e.name) });
  },
  'Condition.runWhen: a Promise asleep': () => {
    const condition = new Condition();
    condition.runWhen(() => false, rejectsLater()).subscribe({ error: (e: Error) => console.log(e.message) });
    condition
      .runWhen(() => false, rejectsLater(10))
      .subscribe()
      .unsubscribe();
  },
  'gatherAll: a source Promise rejects while it waits for a slot': () =>
    of(timer(30), rejectsLater())
      .pipe(gatherAll({ concurrency: 1 }))
      .subscribe({ error: (e: Error) => console.log(e.message) }),
  'Semaphore: a queued Promise rejects while it waits': () => {
    const semaphore = new Semaphore(1);
    semaphore.run(timer(30)).subscribe();
    semaphore.run(rejectsLater()).subscribe({ error: (e: Error) => console.log(e.message) });
  },
  'RateLimiter: a queued Promise rejects while it waits': () => {
    const limiter = new RateLimiter({ count: 1, interval: 30 });
    limiter.run(Promise.resolve(1)).subscribe();
    limiter.run(rejectsLater()).subscribe({ error: (e: Error) => console.log(e.message) });
  },
  'gather: a record and a Map': () => {
    gather({ a: throwError(() => new Error('first')), b: rejectsLater() }).subscribe({ error: (e: Error) => console.log(e.message) });
    gather(
      new Map<string, unknown>([
        ['a', throwError(() => new Error('first'))],
        ['b', rejectsLater()],
      ]) as never,
    ).subscribe({ error: (e: Error) => console.log(e.message) });
  },
  'asCompleted: take(1)': () =>
    asCompleted([Promise.resolve('fast'), rejectsLater()], { concurrency: 1 })
      .pipe(take(1))
      .subscribe((v) => console.log(v)),
  'asCompleted: a Set, the first failure': () =>
    asCompleted(new Set<Promise<unknown> | ReturnType<typeof throwError>>([throwError(() => new Error('first')), rejectsLater()]), {
      concurrency: 1,
    }).subscribe({
      error: (e: Error) => console.log(e.message),
    }),
  'asCompleted: unsubscribed': () => asCompleted([new Subject<never>(), rejectsLater()], { concurrency: 1 }).subscribe().unsubscribe(),
  'wait: unsubscribed before it emits': () => wait([rejectsLater(), new Subject<never>()]).subscribe().unsubscribe(),
  'wait: FIRST_COMPLETED, a pending Promise rejects later': () =>
    wait([Promise.resolve(1), rejectsLater()], { returnWhen: 'FIRST_COMPLETED' }).subscribe((r) => console.log(r.done.length, r.pending.length)),
  'Semaphore: a queued Promise left the queue': () => {
    const semaphore = new Semaphore(1);
    semaphore.run(new Subject<never>()).subscribe();
    semaphore.run(rejectsLater()).subscribe().unsubscribe();
  },
  'RateLimiter: a queued Promise left the queue': () => {
    const limiter = new RateLimiter({ count: 1, interval: 1000 });
    limiter.run(Promise.resolve(1)).subscribe();
    limiter.run(rejectsLater()).subscribe().unsubscribe();
  },
};

const name = process.argv[2];
const scenario = name === undefined ? undefined : scenarios[name];
if (scenario === undefined) {
  console.error(`unknown scenario ${String(name)}; known: ${Object.keys(scenarios).join(', ')}`);
  process.exitCode = 2;
} else {
  scenario();
  console.log(`ran ${name}`);
}
