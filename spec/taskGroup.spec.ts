import { AsyncLocalStorage } from 'node:async_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  EMPTY,
  EmptyError,
  Observable,
  Subject,
  UnsubscriptionError,
  concat,
  concatMap,
  defer,
  finalize,
  lastValueFrom,
  map,
  of,
  throwError,
  timer,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CancelledError, InvalidStateError, TaskGroupError, createTask, taskGroup } from '../lib';
import type { Task, TaskGroup } from '../lib';

// How to read these specs
//
// A group's body runs when the group is subscribed (frame 0), and the tasks it creates
// subscribe their inputs at once: a task's input shows `^` at the frame it was created,
// and `!` at the frame it ended or was cancelled. Leading spaces in a marble string take
// no time: each input is indented to line up with the output in a column.
//
// Several cases follow CPython's Lib/test/test_asyncio/test_taskgroups.py; the name of the
// test they port is given in a comment (asyncio's sleeps become cold marbles).

let testScheduler: TestScheduler;

beforeEach(() => {
  testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const boom = new Error('boom');

/** The failures a TaskGroupError holds, for comparing in marbles (its message is derived from them). */
function groupError(...errors: unknown[]): TaskGroupError {
  return new TaskGroupError(errors);
}

describe('taskGroup', () => {
  describe('success', () => {
    it("emits the body's result once every task has ended, then completes (test_taskgroup_01)", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('   ----a|');
        const b = cold('   --b|');
        const body = cold('-r|');
        const group = taskGroup((g) => {
          g.createTask(a);
          g.createTask(b);
          return body;
        });
        expectObservable(group).toBe('-----(r|)');
        expectSubscriptions(a.subscriptions).toBe('^----!');
        expectSubscriptions(b.subscriptions).toBe('^--!');
        expectSubscriptions(body.subscriptions).toBe('^-!');
      });
    });

    it('emits undefined when the body returns nothing', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const a = cold('--a|');
        expectObservable(taskGroup((g) => void g.createTask(a))).toBe('---(u|)', { u: undefined });
      });
    });

    it('emits at once, synchronously, when the body returns nothing and creates nothing', () => {
      const seen: unknown[] = [];
      taskGroup(() => undefined).subscribe({ next: (v) => seen.push(v), complete: () => seen.push('done') });
      expect(seen).toEqual([undefined, 'done']);
    });

    it("keeps the body's last value, and the tasks' own results stay theirs (test_taskgroup_01)", () => {
      testScheduler.run(({ cold, expectObservable }) => {
        let t1: Task<number> | undefined;
        let t2: Task<number> | undefined;
        const group = taskGroup((g) => {
          t1 = g.createTask(cold('-(x|)', { x: 42 }));
          t2 = g.createTask(cold('--(y|)', { y: 11 }));
          return cold('(ab|)');
        });
        expectObservable(group).toBe('--(b|)');
        testScheduler.schedule(() => expect([t1!.result(), t2!.result()]).toEqual([42, 11]), 3);
      });
    });

    it('takes tasks created later, from a timer, into the group (test_taskgroup_02)', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('---a|');
        const late = cold('  ---b|');
        const group = taskGroup((g) => {
          g.createTask(a);
          g.createTask(timer(2).pipe(map(() => g.createTask(late))));
        });
        expectObservable(group).toBe('------(u|)', { u: undefined });
        expectSubscriptions(late.subscriptions).toBe('--^---!');
      });
    });

    it('waits for tasks created by tasks, however many generations (test_taskgroup_24, test_taskgroup_25)', () => {
      testScheduler.run(({ expectObservable }) => {
        let created = 0;
        // Each "hydra" lives 2 frames, then starts two more, down to 3 generations: 1 + 2 + 4 tasks.
        const hydra = (g: TaskGroup, generation: number): Observable<number> =>
          timer(2).pipe(
            map(() => {
              created++;
              if (generation < 3) {
                g.createTask(hydra(g, generation + 1));
                g.createTask(hydra(g, generation + 1));
              }
              return generation;
            }),
          );
        const group = taskGroup((g) => {
          g.createTask(hydra(g, 1));
        }).pipe(map(() => created));
        expectObservable(group).toBe('------(n|)', { n: 7 });
      });
    });

    it('counts a task whose input ended synchronously, inside createTask', () => {
      const seen: unknown[] = [];
      taskGroup((g) => g.createTask(of('sync'))).subscribe((v) => seen.push(v));
      expect(seen).toEqual(['sync']);
    });

    it('is cold: nothing runs before subscription, and each subscription runs a fresh group', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('--a|');
        let bodies = 0;
        const group = taskGroup((g) => {
          bodies++;
          return g.createTask(a);
        });
        expect(bodies).toBe(0);
        expectObservable(group).toBe('  ---(a|)');
        expectObservable(group, '-^').toBe('----(a|)');
        expectSubscriptions(a.subscriptions).toBe(['^--!', '-^--!']);
        testScheduler.schedule(() => expect(bodies).toBe(2), 1);
      });
    });
  });

  describe('failure', () => {
    it('cancels the other tasks and the body in the frame of the first failure (test_cancel_children_on_child_error)', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('   ------a|');
        const b = cold('   --#', undefined, boom);
        const c = cold('   --------c|');
        const body = cold('---------r|');
        const group = taskGroup((g) => {
          g.createTask(a);
          g.createTask(b);
          g.createTask(c);
          return body;
        });
        expectObservable(group).toBe('--#', undefined, groupError(boom));
        expectSubscriptions(a.subscriptions).toBe('^-!');
        expectSubscriptions(b.subscriptions).toBe('^-!');
        expectSubscriptions(c.subscriptions).toBe('^-!');
        expectSubscriptions(body.subscriptions).toBe('^-!');
      });
    });

    it('leaves the cancelled tasks cancelled, and the failed one failed (test_taskgroup_04)', () => {
      testScheduler.run(({ cold }) => {
        let tasks: Task<string>[] = [];
        taskGroup((g) => {
          tasks = [g.createTask(cold('-----a|')), g.createTask(cold('-#', undefined, boom))];
        }).subscribe({ error: () => undefined });
        testScheduler.schedule(() => {
          expect(tasks.map((t) => t.cancelled())).toEqual([true, false]);
          expect(tasks[1]!.exception()).toBe(boom);
        }, 1);
      });
    });

    it('cancels every task when the body fails (test_taskgroup_09)', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('   -----a|');
        const b = cold('   ------b|');
        const body = cold('---#', undefined, boom);
        const group = taskGroup((g) => {
          g.createTask(a);
          g.createTask(b);
          return body;
        });
        expectObservable(group).toBe('---#', undefined, groupError(boom));
        expectSubscriptions(a.subscriptions).toBe('^--!');
        expectSubscriptions(b.subscriptions).toBe('^--!');
      });
    });

    it('cancels the tasks it had started when the body throws (test_taskgroup_10)', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('-----a|');
        const group = taskGroup((g) => {
          g.createTask(a);
          throw boom;
        });
        expectObservable(group).toBe('#', undefined, groupError(boom));
        expectSubscriptions(a.subscriptions).toBe('(^!)');
      });
    });

    it('counts a task that fails with undefined as a failure, as gather does: the others cancelled', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        // (A marble's `#` with an undefined error fails with 'error': the rejection is made by hand.)
        const nothing = timer(2).pipe(concatMap(() => throwError(() => undefined)));
        const slow = cold('-----a|');
        const group = taskGroup((g) => {
          g.createTask(nothing);
          g.createTask(slow);
        });
        expectObservable(group).toBe('--#', undefined, groupError(undefined));
        expectSubscriptions(slow.subscriptions).toBe('^-!');
      });
    });

    it('counts a task that had failed with undefined when it was created as a failure too', () => {
      let failure: unknown;
      taskGroup((g) => {
        g.createTask(throwError(() => undefined));
      }).subscribe({ error: (err: unknown) => (failure = err) });
      expect(failure).toBeInstanceOf(TaskGroupError);
      expect((failure as TaskGroupError).errors).toEqual([undefined]);
    });

    it('fails with EmptyError, as a task would, when the body completes without a value', () => {
      let failure: unknown;
      taskGroup(() => EMPTY).subscribe({ error: (err: unknown) => (failure = err) });
      expect(failure).toBeInstanceOf(TaskGroupError);
      const [empty] = (failure as TaskGroupError).errors;
      expect(empty).toBeInstanceOf(EmptyError);
      expect((empty as Error).message).toBe('taskGroup: body completed without a value');
    });

    it('keeps the failures in the order they happened: the first, then a teardown that threw while stopping (test_taskgroup_19)', () => {
      testScheduler.run(({ cold }) => {
        const cleanup = new Error('teardown failed');
        const crashSoon = cold('-#', undefined, boom);
        const nested = cold('-----x|').pipe(
          finalize(() => {
            throw cleanup;
          }),
        );
        const group = taskGroup((g) => {
          g.createTask(crashSoon);
          return nested;
        });
        let failedAt: number | undefined;
        let failure: TaskGroupError | undefined;
        group.subscribe({ error: (err: TaskGroupError) => ((failedAt = testScheduler.now()), (failure = err)) });
        testScheduler.schedule(() => {
          expect(failedAt).toBe(1);
          expect(failure!.errors).toHaveLength(2);
          expect(failure!.errors[0]).toBe(boom);
          // rxjs reports what a teardown threw in an UnsubscriptionError.
          expect(failure!.errors[1]).toBeInstanceOf(UnsubscriptionError);
          expect((failure!.errors[1] as UnsubscriptionError).errors).toEqual([cleanup]);
        }, 2);
      });
    });

    it('reports one failure for tasks failing in the same frame: the first cancels the second before it fails', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const first = new Error('first');
        const a = cold('--#', undefined, first);
        const b = cold('--#', undefined, new Error('second'));
        const group = taskGroup((g) => {
          g.createTask(a);
          g.createTask(b);
        });
        expectObservable(group).toBe('--#', undefined, groupError(first));
        expectSubscriptions(b.subscriptions).toBe('^-!');
      });
    });

    it('fails with a TaskGroupError that is an AggregateError, naming the failures', () => {
      let failure: unknown;
      taskGroup(() => {
        throw new Error('boom');
      }).subscribe({ error: (err: unknown) => (failure = err) });
      expect(failure).toBeInstanceOf(AggregateError);
      expect((failure as Error).name).toBe('TaskGroupError');
      expect((failure as Error).message).toBe('taskGroup: 1 failure: Error: boom');
    });

    it('fails when a Promise task rejects, in real time', async () => {
      const failure = await lastValueFrom(
        taskGroup((g) => {
          g.createTask(() => Promise.reject(boom));
          return new Promise<string>(() => undefined);
        }),
      ).catch((err: unknown) => err);
      expect(failure).toEqual(groupError(boom));
    });
  });

  describe('cancellation', () => {
    it('does not count a task cancelled with task.cancel() as a failure; the rest go on (test_taskgroup_03)', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const t1 = cold('----------a|');
        const t2 = cold('   ----b|');
        let first: Task<string> | undefined;
        const group = taskGroup((g) => {
          first = g.createTask(t1);
          return timer(3).pipe(
            concatMap(() => {
              first!.cancel();
              return g.createTask(t2);
            }),
          );
        });
        expectObservable(group).toBe('--------(b|)');
        expectSubscriptions(t1.subscriptions).toBe('^--!');
        expectSubscriptions(t2.subscriptions).toBe('---^----!');
        testScheduler.schedule(() => expect(first!.cancelled()).toBe(true), 8);
      });
    });

    it('does not count a task that failed with CancelledError (it waited on a cancelled task) as a failure', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const outside = createTask(cold('------x|'));
        const group = taskGroup((g) => {
          g.createTask(outside.pipe(map(String)));
          g.createTask(cold('----y|'));
          return timer(2).pipe(map(() => outside.cancel()));
        });
        expectObservable(group).toBe('-----(t|)', { t: true });
      });
    });

    it('cancels every task and the body when unsubscribed (test_cancellation, test_taskgroup_22)', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('   -----a|');
        const b = cold('   --------b|');
        const body = cold('---------r|');
        const group = taskGroup((g) => {
          g.createTask(a);
          g.createTask(b);
          return body;
        });
        expectObservable(group, '^---!').toBe('----');
        expectSubscriptions(a.subscriptions).toBe('^---!');
        expectSubscriptions(b.subscriptions).toBe('^---!');
        expectSubscriptions(body.subscriptions).toBe('^---!');
      });
    });

    it('stops the group with the CancelledError of a body that failed with one, as asyncio propagates it', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a = cold('-----a|');
        const outside = createTask(cold('------x|'));
        const group = taskGroup((g) => {
          g.createTask(a);
          return concat(timer(2).pipe(map(() => outside.cancel())), outside);
        });
        expectObservable(group).toBe('--#', undefined, new CancelledError());
        expectSubscriptions(a.subscriptions).toBe('^-!');
      });
    });
  });

  describe('many tasks', () => {
    // A group keeps the tasks still running in one array, with holes where tasks ended,
    // dropped once they outnumber the tasks: from the front when they are mostly there,
    // else by compacting the array. These cases cross both, thousands of tasks deep.

    /** `n` tasks of a group, each on its own Subject; the group's outcome and the order the inputs were torn down. */
    function manyTasks(n: number) {
      const inputs = Array.from({ length: n }, () => new Subject<number>());
      const tasks: Task<number>[] = [];
      const tornDown: number[] = [];
      const seen: { value?: unknown; error?: unknown; completed: boolean } = { completed: false };
      const running = new Set(inputs.keys());
      const subscription = taskGroup((g) => {
        inputs.forEach((input, i) => tasks.push(g.createTask(input.pipe(finalize(() => tornDown.push(i))))));
        return undefined;
      }).subscribe({ next: (value) => (seen.value = value), error: (error: unknown) => (seen.error = error), complete: () => (seen.completed = true) });
      /** Ends task `i` with its index as its result. */
      const end = (i: number): void => {
        inputs[i]!.next(i);
        inputs[i]!.complete();
        running.delete(i);
      };
      return { inputs, tasks, tornDown, seen, running, subscription, end };
    }

    /**
     * Ends 15,980 of 16,000 tasks in three waves: 0..14499 in order (holes at the front,
     * dropped from there), then 15999 down to 14500 but every tenth (holes in between: the
     * array is compacted), then every tenth from 14500 up to 15790. Left: 15800, 15810, ... 15990.
     */
    function endInThreeWaves(end: (i: number) => void): void {
      for (let i = 0; i < 14500; i++) end(i);
      for (let i = 15999; i >= 14500; i--) if (i % 10 !== 0) end(i);
      for (let i = 14500; i < 15800; i += 10) end(i);
    }

    it('cancels exactly the tasks still running, newest first, when one fails after thousands have ended in any order', () => {
      const { inputs, tasks, tornDown, seen, running, end } = manyTasks(16_000);
      endInThreeWaves(end);
      tornDown.length = 0;
      inputs[15_990]!.error(boom);
      running.delete(15_990);
      expect(seen.error).toEqual(groupError(boom));
      const newestFirst = [...running].sort((a, b) => b - a);
      expect(tornDown).toEqual([15_990, ...newestFirst]);
      expect(newestFirst).toHaveLength(19);
      expect(newestFirst.every((i) => tasks[i]!.cancelled())).toBe(true);
      expect(tasks.filter((task) => !task.cancelled() && task.exception() === undefined).map((task) => task.result())).toEqual(
        tasks.map((_, i) => i).filter((i) => !running.has(i) && i !== 15_990),
      );
    });

    it('cancels exactly the tasks still running, newest first, when unsubscribed after thousands have ended in any order', () => {
      const { tasks, tornDown, seen, running, subscription, end } = manyTasks(16_000);
      endInThreeWaves(end);
      tornDown.length = 0;
      subscription.unsubscribe();
      expect(tornDown).toEqual([...running].sort((a, b) => b - a));
      expect([...running].every((i) => tasks[i]!.cancelled())).toBe(true);
      expect(seen).toEqual({ completed: false });
    });

    it('lets go of the tasks that have ended while others run on', async () => {
      // The garbage collector, made callable (node --expose-gc, set from here).
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const inputs = Array.from({ length: 16_000 }, () => new Subject<number>());
      const refs: WeakRef<Task<number>>[] = [];
      const subscription = taskGroup((g) => {
        for (const input of inputs) refs.push(new WeakRef(g.createTask(input)));
      }).subscribe();
      endInThreeWaves((i) => {
        inputs[i]!.next(i);
        inputs[i]!.complete();
      });
      // A WeakRef holds its target until the job that made it has ended.
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      const kept = refs.flatMap((ref, i) => (ref.deref() === undefined ? [] : [i]));
      expect(kept).toEqual(inputs.flatMap((input, i) => (input.observed ? [i] : [])));
      expect(kept).toHaveLength(20);
      subscription.unsubscribe();
      expect(inputs.some((input) => input.observed)).toBe(false);
    });

    it('ends once the last of thousands of tasks has, whatever order they end in', () => {
      const n = 5000;
      const { seen, running, end } = manyTasks(n);
      // A permutation of 0..n-1 (7919 is prime, so coprime with n).
      for (let k = 0; k < n - 1; k++) end((k * 7919) % n);
      expect(running.size).toBe(1);
      expect(seen.completed).toBe(false);
      end([...running][0]!);
      expect(seen).toEqual({ value: undefined, completed: true });
    });
  });

  describe('nesting', () => {
    it('fails the outer group with the inner TaskGroupError among its errors (test_taskgroup_14)', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const outerTask = cold('----------x|');
        const crash = cold('    --#', undefined, boom);
        const group = taskGroup((outer) => {
          outer.createTask(outerTask);
          return taskGroup((inner) => void inner.createTask(crash));
        });
        expectObservable(group).toBe('--#', undefined, groupError(groupError(boom)));
        expectSubscriptions(outerTask.subscriptions).toBe('^-!');
      });
    });

    it('cancels an inner group, and its tasks, when an outer task fails (test_taskgroup_13)', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const innerTask = cold('----------x|');
        const crash = cold('    -#', undefined, boom);
        const group = taskGroup((outer) => {
          outer.createTask(crash);
          return taskGroup((inner) => void inner.createTask(innerTask));
        });
        expectObservable(group).toBe('-#', undefined, groupError(boom));
        expectSubscriptions(innerTask.subscriptions).toBe('^!');
      });
    });
  });

  describe('createTask', () => {
    it('throws InvalidStateError once the group has ended, and starts nothing (test_coro_closed_when_tg_closed)', () => {
      let kept: TaskGroup | undefined;
      taskGroup((g) => void (kept = g)).subscribe();
      let called = false;
      expect(() =>
        kept!.createTask(() => {
          called = true;
          return of(1);
        }),
      ).toThrow(new InvalidStateError('TaskGroup.createTask: the group has ended'));
      expect(called).toBe(false);
    });

    it('leaves no rejection unhandled from an async body that throws once the group has failed under it', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      let failure: unknown;
      try {
        taskGroup(async (g) => {
          // Fails at once: the group fails before the body returns its Promise.
          g.createTask(throwError(() => boom));
          await Promise.resolve();
          g.createTask(of(1)); // InvalidStateError: the body's Promise rejects
        }).subscribe({ error: (err: unknown) => (failure = err) });
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
      expect(failure).toEqual(groupError(boom));
      expect(unhandled).toEqual([]);
    });

    it('marks a Promise it refuses as handled, so its rejection is never reported', async () => {
      let kept: TaskGroup | undefined;
      taskGroup((g) => void (kept = g)).subscribe();
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        expect(() => kept!.createTask(Promise.reject(boom))).toThrow(InvalidStateError);
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
      expect(unhandled).toEqual([]);
    });

    it('throws InvalidStateError while the group is stopping: a cancelled task cannot start another (test_taskgroup_no_create_task_after_failure)', () => {
      testScheduler.run(({ cold }) => {
        let refused: unknown;
        taskGroup((g) => {
          g.createTask(cold('-#', undefined, boom));
          g.createTask(
            cold('-----x|').pipe(
              finalize(() => {
                try {
                  g.createTask(of(1));
                } catch (err) {
                  refused = err;
                }
              }),
            ),
          );
        }).subscribe({ error: () => undefined });
        testScheduler.schedule(() => expect(refused).toEqual(new InvalidStateError('TaskGroup.createTask: the group is stopping')), 1);
      });
    });

    it('starts tasks created from a timer in the async context of the subscription (test_taskgroup_task_context)', async () => {
      const storage = new AsyncLocalStorage<string>();
      const seen: (string | undefined)[] = [];
      const group = taskGroup((g) => {
        g.createTask(defer(() => (seen.push(storage.getStore()), of(1))));
        return lastValueFrom(timer(1)).then(() => g.createTask(defer(() => (seen.push(storage.getStore()), of(2)))));
      });
      await storage.run('request-1', () => lastValueFrom(group));
      expect(seen).toEqual(['request-1', 'request-1']);
    });
  });
});
