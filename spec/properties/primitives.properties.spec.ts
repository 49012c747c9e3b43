import fc from 'fast-check';
import { Observable, concat, defer, finalize, ignoreElements, tap, timer } from 'rxjs';
import type { Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Condition, LifoQueue, PriorityQueue, Queue, TaskGroupError, taskGroup } from '../../lib';
import type { Task, TaskGroup } from '../../lib';

/**
 * Properties of the queues, the condition and task groups over random virtual-time
 * schedules (TestScheduler.run): who asks when, what runs how long, what fails, and which
 * consumers let go, and when. Each property states what must hold whatever the schedule.
 * The seeds are fixed so a run is reproducible; fast-check prints any failing case.
 */
const RUNS = { numRuns: 300 };

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** A cold Observable of the TestScheduler, with its subscription log. */
type Cold<T> = Observable<T> & { readonly subscriptions: readonly { subscribedFrame: number; unsubscribedFrame: number }[] };

const allTornDown = (sources: readonly Cold<unknown>[]): boolean => sources.every((s) => s.subscriptions.every((log) => log.unsubscribedFrame !== Infinity));

describe('primitives: properties', () => {
  it('a queue gives every item put exactly once, whatever getters and putters let go of, and strands none', () => {
    const op = fc.record({
      kind: fc.constantFrom('put', 'get', 'items'),
      at: fc.nat({ max: 20 }),
      // Frames after subscribing at which the consumer lets go (while waiting, or after).
      leaveAfter: fc.option(fc.nat({ max: 10 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.constantFrom('fifo', 'lifo', 'priority'), fc.constantFrom(1, 2, 3, Infinity), fc.array(op, { maxLength: 30 }), (order, maxsize, ops) => {
        const ts = scheduler();
        const queue =
          order === 'fifo'
            ? new Queue<number>(maxsize)
            : order === 'lifo'
              ? new LifoQueue<number>(maxsize)
              : new PriorityQueue<number>((a, b) => a - b, maxsize);
        /** Items whose put completed: they are in, and must come out once. */
        const inQueue: number[] = [];
        /** Items whose put was let go of before completing: they must never come out. */
        const leftOut = new Set<number>();
        /** Every item got, in the order got, by whom. */
        const got: number[] = [];
        const subscriptions: Subscription[] = [];
        ts.run(() => {
          ops.forEach((o, id) => {
            ts.schedule(() => {
              let done = false;
              const subscription =
                o.kind === 'put'
                  ? queue.put(id).subscribe({ complete: () => ((done = true), inQueue.push(id)) })
                  : (o.kind === 'get' ? queue.get() : queue.items()).subscribe({
                      next: (item) => got.push(item),
                      complete: () => (done = true),
                    });
              subscriptions.push(subscription);
              if (o.leaveAfter === undefined) return;
              ts.schedule(() => {
                if (o.kind === 'put' && !done) leftOut.add(id);
                subscription.unsubscribe();
              }, o.leaveAfter);
            }, o.at);
          });
        });
        // A put still waiting waits for room: the queue is full.
        const waitingPuts = ops.filter((o, id) => o.kind === 'put' && !inQueue.includes(id) && !leftOut.has(id));
        if (waitingPuts.length > 0) expect(queue.full()).toBe(true);
        // They let go now: their items stay out.
        ops.forEach((o, id) => {
          if (o.kind === 'put' && !inQueue.includes(id)) leftOut.add(id);
        });
        for (const subscription of subscriptions) subscription.unsubscribe();
        // Whatever is left can be taken at once: no item sits behind a get that still waits.
        const rest: number[] = [];
        while (!queue.empty()) rest.push(queue.getNowait());
        const out = [...got, ...rest];
        expect(new Set(out).size).toBe(out.length);
        expect([...out].sort((a, b) => a - b)).toEqual([...inQueue].sort((a, b) => a - b));
        for (const id of leftOut) expect(out).not.toContain(id);
        // First in, first out: items came out in the order their puts completed.
        if (order === 'fifo') expect(out).toEqual(inQueue);
        // Nobody is left waiting: an item put now is there to be got.
        queue.putNowait(-1);
        expect(queue.getNowait()).toBe(-1);
      }),
      { ...RUNS, seed: 16_001 },
    );
  });

  it('a condition loses no wake-up: with the lock free and tokens left, no consumer sleeps, whoever lets go and when', () => {
    const consumer = fc.record({ at: fc.nat({ max: 20 }), holdFor: fc.nat({ max: 3 }), leaveAfter: fc.option(fc.nat({ max: 12 }), { nil: undefined }) });
    const producer = fc.record({
      at: fc.nat({ max: 20 }),
      holdFor: fc.nat({ max: 3 }),
      amount: fc.integer({ min: 1, max: 3 }),
      // notify(amount) or notifyAll(): either wakes as many as there are new tokens.
      all: fc.boolean(),
      // Notify before or after the state change, both under the lock.
      notifyFirst: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(consumer, { maxLength: 12 }), fc.array(producer, { maxLength: 8 }), (consumers, producers) => {
        const ts = scheduler();
        const condition = new Condition();
        let tokens = 0;
        let produced = 0;
        let consumed = 0;
        /** Inputs running under the lock now: never more than one. */
        let holders = 0;
        const violations: string[] = [];
        const colds: Cold<unknown>[] = [];
        const check = (where: string): void => {
          if (tokens < 0) violations.push(`${where}: ${tokens} tokens`);
          // With the lock free, every consumer woken has looked at the state again: one still
          // asleep while a token is left would be a lost wake-up.
          if (!condition.locked() && tokens > 0 && condition.waiting > 0) {
            violations.push(`${where} at ${ts.now()}: ${tokens} tokens left and ${condition.waiting} asleep`);
          }
        };
        ts.run(({ cold }) => {
          const hold = (frames: number): Observable<never> => {
            const source = cold(`${'-'.repeat(frames)}|`);
            colds.push(source);
            return defer(() => {
              if (++holders > 1) violations.push(`${holders} holders at ${ts.now()}`);
              return source.pipe(finalize(() => holders--));
            }).pipe(ignoreElements());
          };
          consumers.forEach((c, id) => {
            ts.schedule(() => {
              const subscription = condition
                .runWhen(
                  () => tokens > 0,
                  defer(() => {
                    tokens--;
                    consumed++;
                    return hold(c.holdFor);
                  }),
                )
                .subscribe();
              check(`after consumer ${id} asked`);
              if (c.leaveAfter !== undefined) {
                ts.schedule(() => {
                  subscription.unsubscribe();
                  check(`after consumer ${id} left`);
                }, c.leaveAfter);
              }
            }, c.at);
          });
          producers.forEach((p, id) => {
            ts.schedule(() => {
              const notify = (): void => (p.all ? condition.notifyAll() : condition.notify(p.amount));
              condition
                .run(
                  defer(() => {
                    if (p.notifyFirst) notify();
                    tokens += p.amount;
                    produced += p.amount;
                    if (!p.notifyFirst) notify();
                    return hold(p.holdFor);
                  }),
                )
                .subscribe({ complete: () => ts.schedule(() => check(`after producer ${id}`)) });
            }, p.at);
          });
        });
        check('at the end');
        expect(violations).toEqual([]);
        expect(consumed).toBe(produced - tokens);
        expect(allTornDown(colds)).toBe(true);
        expect(condition.locked()).toBe(false);
      }),
      { ...RUNS, seed: 16_002 },
    );
  });

  it('a task group ends only once every task has ended, and cancels them all on a failure or an unsubscription', () => {
    interface Spec {
      runsFor: number;
      fails: boolean;
      /** Cancelled with task.cancel() this many frames after it started. */
      cancelAfter: number | undefined;
      /** Started by this task this many frames after it started. */
      spawnAfter: number;
      children: Spec[];
    }
    /** A task, and the tasks it starts, three generations deep at most. */
    const specOf = (depth: number): fc.Arbitrary<Spec> =>
      fc.record({
        runsFor: fc.nat({ max: 6 }),
        fails: fc.nat({ max: 3 }).map((n) => n === 0),
        cancelAfter: fc.option(fc.nat({ max: 6 }), { nil: undefined, freq: 4 }),
        spawnAfter: fc.nat({ max: 4 }),
        children: depth === 0 ? fc.constant([]) : fc.array(specOf(depth - 1), { maxLength: 2 }),
      });
    const spec = specOf(2);
    fc.assert(
      fc.property(
        fc.array(spec, { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat({ max: 15 }), { nil: undefined }),
        fc.nat({ max: 8 }),
        (roots, unsubscribeAt, bodyRunsFor) => {
          const ts = scheduler();
          const tasks: Task<unknown>[] = [];
          const colds: Cold<unknown>[] = [];
          /** When each task ended, and the failures in the order they happened. */
          const endedAt = new Map<Task<unknown>, number>();
          const failures: Error[] = [];
          let outcome: { kind: 'emitted' | 'failed'; at: number; error?: unknown } | undefined;
          let refused = 0;
          ts.run(({ cold }) => {
            const start = (group: TaskGroup, s: Spec, name: string): void => {
              const own = cold(`${'-'.repeat(s.runsFor)}${s.fails ? '#' : '(x|)'}`, { x: name }, new Error(name));
              colds.push(own);
              const spawn = timer(s.spawnAfter).pipe(
                tap(() =>
                  s.children.forEach((child, i) => {
                    try {
                      start(group, child, `${name}.${i}`);
                    } catch {
                      refused++;
                    }
                  }),
                ),
                ignoreElements(),
              );
              const input = concat(spawn, own).pipe(tap({ error: (err: Error) => failures.push(err) }));
              const task = group.createTask(input);
              tasks.push(task as Task<unknown>);
              const record = (): void => void endedAt.set(task as Task<unknown>, ts.now());
              task.subscribe({ error: record, complete: record });
              if (s.cancelAfter !== undefined) ts.schedule(() => task.cancel(), s.cancelAfter);
            };
            const body = cold(`${'-'.repeat(bodyRunsFor)}(r|)`, { r: 'result' });
            colds.push(body);
            const subscription = taskGroup((group) => {
              roots.forEach((root, i) => start(group, root, `t${i}`));
              return body;
            }).subscribe({
              next: () => (outcome = { kind: 'emitted', at: ts.now() }),
              error: (error: unknown) => (outcome = { kind: 'failed', at: ts.now(), error }),
            });
            if (unsubscribeAt !== undefined) ts.schedule(() => subscription.unsubscribe(), unsubscribeAt);
          });
          // Every task has ended, and every source was torn down, whatever happened.
          expect(tasks.every((task) => task.done())).toBe(true);
          expect(allTornDown(colds)).toBe(true);
          const lastEnd = Math.max(...[...endedAt.values()]);
          if (outcome?.kind === 'emitted') {
            // Only once all had ended, and with no task failed.
            expect(outcome.at).toBe(Math.max(lastEnd, bodyRunsFor));
            expect(failures).toEqual([]);
            expect(tasks.every((task) => task.cancelled() || task.exception() === undefined)).toBe(true);
            expect(refused).toBe(0);
          } else if (outcome?.kind === 'failed') {
            // The first failure, at its frame; everything else ended then too.
            expect(outcome.error).toBeInstanceOf(TaskGroupError);
            expect((outcome.error as TaskGroupError).errors[0]).toBe(failures[0]);
            expect(lastEnd).toBe(outcome.at);
          } else {
            // Unsubscribed before the end: everything ended at that frame, at the latest.
            expect(unsubscribeAt).toBeDefined();
            expect(lastEnd).toBeLessThanOrEqual(unsubscribeAt!);
          }
        },
      ),
      { ...RUNS, seed: 16_003 },
    );
  });
});
