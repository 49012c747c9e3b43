import fc from 'fast-check';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { map, tap } from 'rxjs/operators';
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, asCompleted, createTask, gather, wait } from '../../lib';
import type { ReturnWhen, Task, WaitResult } from '../../lib';

/**
 * Properties over random virtual-time schedules. Each run draws a list of inputs (how
 * long each takes, whether it fails or completes empty), a concurrency limit, maybe a
 * timeout and maybe an early unsubscribe, runs the pattern under TestScheduler, and
 * checks a rule that must hold whatever the schedule. 300 runs per property.
 */
const RUNS = { numRuns: 300 };
/** A cold Observable of the TestScheduler, with its subscription log. */
type ColdObservable<T> = Observable<T> & { readonly subscriptions: readonly { subscribedFrame: number; unsubscribedFrame: number }[] };

interface Spec {
  readonly delay: number;
  readonly outcome: 'value' | 'error' | 'empty';
}
const inputSpec: fc.Arbitrary<Spec> = fc.record({
  delay: fc.integer({ min: 0, max: 12 }),
  outcome: fc.constantFrom<Spec['outcome']>('value', 'value', 'value', 'error', 'empty'),
});
const inputSpecs = fc.array(inputSpec, { minLength: 0, maxLength: 8 });
const concurrency = fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 4 }));
const maybeFrame = fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined });

/** A cold Observable for a spec: emits its index after `delay` frames, then ends as drawn. */
function coldFor(helpers: { cold: TestScheduler['createColdObservable'] }, spec: Spec, index: number): ColdObservable<number> {
  const wait = '-'.repeat(spec.delay);
  switch (spec.outcome) {
    case 'value':
      return helpers.cold(`${wait}v|`, { v: index });
    case 'error':
      return helpers.cold(`${wait}#`, undefined, new Error(`e${index}`));
    default:
      return helpers.cold(`${wait}|`);
  }
}

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** Every subscription of every source has ended by the end of the run. */
function allTornDown(sources: ColdObservable<unknown>[]): boolean {
  return sources.every((s) => s.subscriptions.every((log) => log.unsubscribedFrame !== Infinity));
}

describe('properties', () => {
  it('gather keeps submission order, and tears every source down', () => {
    fc.assert(
      fc.property(inputSpecs, concurrency, fc.boolean(), maybeFrame, maybeFrame, (specs, limit, returnExceptions, timeout, leaveAt) => {
        const ts = scheduler();
        ts.run((helpers) => {
          const sources = specs.map((spec, i) => coldFor(helpers, spec, i));
          const seen: { value?: unknown[]; error?: unknown; complete?: boolean } = {};
          const subscription = gather(sources, { concurrency: limit, returnExceptions, timeout }).subscribe({
            next: (value) => (seen.value = value),
            error: (err: unknown) => (seen.error = err),
            complete: () => (seen.complete = true),
          });
          if (leaveAt !== undefined) ts.schedule(() => subscription.unsubscribe(), leaveAt);
          ts.flush();
          if (seen.value !== undefined) {
            expect(seen.value.length).toBe(specs.length);
            seen.value.forEach((result, i) => {
              if (specs[i]!.outcome === 'value') expect(result).toBe(i);
              else expect(result).toBeInstanceOf(Error);
            });
          }
          expect(allTornDown(sources)).toBe(true);
        });
      }),
      RUNS,
    );
  });

  it('asCompleted emits exactly in completion order, each at the frame its input completes', () => {
    fc.assert(
      fc.property(inputSpecs, concurrency, (specs, limit) => {
        const ts = scheduler();
        ts.run((helpers) => {
          const completions: { index: number; frame: number }[] = [];
          const sources = specs.map((spec, i) => coldFor(helpers, spec, i));
          const inputs = sources.map((source, i) =>
            source.pipe(tap({ complete: () => completions.push({ index: i, frame: ts.now() }), error: () => completions.push({ index: i, frame: ts.now() }) })),
          );
          const emitted: { value: unknown; frame: number }[] = [];
          asCompleted(inputs, { concurrency: limit, returnExceptions: true }).subscribe((value) => emitted.push({ value, frame: ts.now() }));
          ts.flush();
          expect(emitted.length).toBe(specs.length);
          expect(emitted.map((e) => e.frame)).toEqual(completions.map((c) => c.frame));
          emitted.forEach((e, k) => {
            const { index } = completions[k]!;
            if (specs[index]!.outcome === 'value') expect(e.value).toBe(index);
            else expect(e.value).toBeInstanceOf(Error);
          });
          // Never more than `limit` running: every start happens after enough completions.
          const starts = sources.map((s) => s.subscriptions[0]!.subscribedFrame);
          starts.forEach((start, i) => {
            const runningAtStart = starts.filter((other, j) => j < i && other <= start && sources[j]!.subscriptions[0]!.unsubscribedFrame > start).length;
            expect(runningAtStart).toBeLessThan(limit);
          });
        });
      }),
      RUNS,
    );
  });

  it("wait's done and pending partition the inputs, done in completion order", () => {
    /** Which input a done task came from: its result, or the index its error names. */
    const indexOf = (task: Task<number>): number => {
      const err = task.exception();
      if (err === undefined) return task.result();
      const match = /^e(\d+)$/.exec((err as Error).message) ?? /inputs\[(\d+)\]/.exec((err as Error).message);
      return Number(match![1]);
    };
    fc.assert(
      fc.property(inputSpecs, fc.constantFrom<ReturnWhen>(ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION), maybeFrame, (specs, returnWhen, timeout) => {
        const ts = scheduler();
        ts.run((helpers) => {
          const sources = specs.map((spec, i) => coldFor(helpers, spec, i));
          let result: WaitResult<number> | undefined;
          let emittedAt = -1;
          wait(sources, { returnWhen, timeout }).subscribe((r) => {
            result = r;
            emittedAt = ts.now();
            expect(r.done.every((t) => t.done())).toBe(true);
            expect(r.pending.every((t) => !t.done())).toBe(true);
          });
          ts.flush();
          const { done, pending } = result!;
          // A partition: every input is in exactly one of the two lists...
          expect(done.length + pending.length).toBe(specs.length);
          expect(new Set([...done, ...pending]).size).toBe(specs.length);
          // ...done holds the inputs that had ended when wait emitted, in the order they ended
          // (an input ending in the very frame wait emits may fall on either side: ties go
          // to whichever was scheduled first, and the deadline is scheduled at subscription).
          const endOf = (i: number) => sources[i]!.subscriptions[0]!.unsubscribedFrame;
          const doneEnds = done.map((t) => endOf(indexOf(t)));
          expect(doneEnds).toEqual([...doneEnds].sort((x, y) => x - y));
          expect(doneEnds.every((end) => end <= emittedAt)).toBe(true);
          const endedBefore = specs.map((_s, i) => i).filter((i) => endOf(i) < emittedAt);
          expect(done.map(indexOf).sort((x, y) => x - y)).toEqual(expect.arrayContaining(endedBefore));
          if (returnWhen === ALL_COMPLETED && timeout === undefined) expect(pending).toEqual([]);
          // Pending tasks run on after wait emits: every source still ends by itself.
          expect(allTornDown(sources)).toBe(true);
        });
      }),
      RUNS,
    );
  });

  it('wait puts every input in exactly one list, done in the order the tasks ended, whatever mix of inputs, Tasks and Tasks waiting on Tasks', () => {
    // Each entry: a plain input (wait starts it), a Task made before wait is subscribed,
    // or a Task that waits on an earlier Task (it ends in the same instant as that one).
    type Kind = 'input' | 'task' | 'derived';
    const entry = fc.record({ spec: inputSpec, kind: fc.constantFrom<Kind>('input', 'task', 'derived') });
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 8 }),
        fc.constantFrom<ReturnWhen>(ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION),
        maybeFrame,
        fc.integer({ min: 0, max: 14 }),
        (entries, returnWhen, timeout, startAt) => {
          const ts = scheduler();
          ts.run((helpers) => {
            // The order in which inputs ended, by position in the list: recorded just before each task ends.
            const ended: number[] = [];
            const record = (i: number) => tap<number>({ complete: () => ended.push(i), error: () => ended.push(i) });
            const made: (Task<number> | undefined)[] = [];
            const inputs = entries.map(({ spec, kind }, i) => {
              const parent = made.filter((t) => t !== undefined).pop();
              if (kind === 'derived' && parent !== undefined) {
                made.push(
                  createTask<number>(
                    parent.pipe(
                      map((v) => v),
                      record(i),
                    ),
                  ),
                );
              } else if (kind === 'input') {
                made.push(undefined);
                return coldFor(helpers, spec, i).pipe(record(i));
              } else {
                made.push(createTask<number>(coldFor(helpers, spec, i).pipe(record(i))));
              }
              return made[i]!;
            });
            let result: WaitResult<number> | undefined;
            ts.schedule(() => {
              wait(inputs, { returnWhen, timeout }).subscribe((r) => {
                result = r;
                // Read at the moment of emission: done means done, pending means running.
                expect(r.done.every((t) => t.done())).toBe(true);
                expect(r.pending.every((t) => !t.done())).toBe(true);
              });
            }, startAt);
            ts.flush();
            const { done, pending } = result!;
            expect(done.length + pending.length).toBe(entries.length);
            expect(new Set([...done, ...pending]).size).toBe(entries.length);
            // Tasks passed in keep their place; pending keeps submission order.
            for (const task of made) if (task !== undefined) expect(done.includes(task) || pending.includes(task)).toBe(true);
            const position = (t: Task<number>): number => {
              const own = made.indexOf(t);
              return own >= 0 ? own : inputs.indexOf(t);
            };
            const pendingPositions = pending.map(position).filter((p) => p >= 0);
            expect(pendingPositions).toEqual([...pendingPositions].sort((x, y) => x - y));
            // done in the order the tasks ended (known for the Tasks made here).
            const doneKnown = done.map(position).filter((p) => p >= 0);
            expect(doneKnown).toEqual(ended.filter((i) => doneKnown.includes(i)));
          });
        },
      ),
      RUNS,
    );
  });
});
