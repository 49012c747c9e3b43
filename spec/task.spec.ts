import { EmptyError, Observable, Subject, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CancelledError, InvalidStateError, Task, createTask, taskGroup } from '../lib';
import { completionOrder } from '../lib/task';

/**
 * A Task is asyncio.create_task: the one hot thing in the library. Its source is
 * subscribed when the task is created (frame 0 below), exactly once, however many
 * subscribers come and go; each of them receives the one result, even late ones.
 */
describe('createTask', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('subscribes its source at once, and only once, whoever subscribes to it', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const source = cold('--a--b|');
      const task = createTask(source);
      expectObservable(task).toBe('------(b|)');
      expectObservable(task, '---^').toBe('------(b|)');
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('replays its result and completion to a subscriber that comes after it is done', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const task = createTask(cold('-x|'));
      expectObservable(task, '-----^').toBe('-----(x|)');
    });
  });

  it('replays its error to every subscriber', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const task = createTask(cold('--#', undefined, 'boom'));
      expectObservable(task).toBe('--#', undefined, 'boom');
      expectObservable(task, '----^').toBe('----#', undefined, 'boom');
    });
  });

  it('keeps running when a subscriber unsubscribes', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const source = cold('-----x|');
      const task = createTask(source);
      expectObservable(task, '^-!').toBe('---');
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('fails with EmptyError when its source completes without a value', () => {
    const task = createTask(of());
    expect(task.done()).toBe(true);
    expect(task.exception()).toBeInstanceOf(EmptyError);
    expect(() => task.result()).toThrow(EmptyError);
  });

  it('calls a function input at once', () => {
    let calls = 0;
    const task = createTask(() => {
      calls++;
      return of(1);
    });
    expect(calls).toBe(1);
    expect(task.result()).toBe(1);
  });

  it('is an instance of Task and of Observable', () => {
    const task = createTask(of(1));
    expect(task).toBeInstanceOf(Task);
    const values: number[] = [];
    task.subscribe((v) => values.push(v));
    expect(values).toEqual([1]);
  });

  it('works with Promises', async () => {
    const task = createTask(Promise.resolve('p'));
    expect(task.done()).toBe(false);
    await expect(new Promise((resolve) => task.subscribe(resolve))).resolves.toBe('p');
    expect(task.result()).toBe('p');
  });

  describe('state', () => {
    // The synchronous side of a Task, as asyncio has it: done(), result(), exception().
    it('result() and exception() throw InvalidStateError while pending', () => {
      const task = createTask(new Subject<number>());
      expect(task.done()).toBe(false);
      expect(() => task.result()).toThrow(InvalidStateError);
      expect(() => task.exception()).toThrow(InvalidStateError);
    });

    it('result() returns the result and exception() undefined after success', () => {
      const task = createTask(of(1, 2));
      expect(task.done()).toBe(true);
      expect(task.result()).toBe(2);
      expect(task.exception()).toBeUndefined();
    });

    it('result() throws the error and exception() returns it after failure', () => {
      const boom = new Error('boom');
      const task = createTask(throwError(() => boom));
      expect(() => task.result()).toThrow(boom);
      expect(task.exception()).toBe(boom);
      expect(task.cancelled()).toBe(false);
    });
  });

  describe('cancel()', () => {
    // cancel() unsubscribes the source (its `!` is the cancelling frame) and every
    // subscriber, early or late, receives CancelledError.
    it('unsubscribes the source and fails every subscriber with CancelledError', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source = cold('------x|');
        const task = createTask(source);
        testScheduler.schedule(() => task.cancel(), 3);
        expectObservable(task).toBe('---#', undefined, expect.any(CancelledError));
        expectObservable(task, '-----^').toBe('-----#', undefined, expect.any(CancelledError));
        expectSubscriptions(source.subscriptions).toBe('^--!');
      });
    });

    it('returns true while pending, then the task is done and cancelled', () => {
      const task = createTask(new Subject<number>());
      expect(task.cancel()).toBe(true);
      expect(task.done()).toBe(true);
      expect(task.cancelled()).toBe(true);
      expect(() => task.result()).toThrow(CancelledError);
      expect(() => task.exception()).toThrow(CancelledError);
    });

    it('returns false once the task is done, and changes nothing', () => {
      const task = createTask(of(1));
      expect(task.cancel()).toBe(false);
      expect(task.cancelled()).toBe(false);
      expect(task.result()).toBe(1);
    });

    it("is cancelled already when its source's teardown runs, and that teardown reads the task", () => {
      let seen: unknown;
      const task: Task<number> = createTask(
        new Observable<number>(() => () => {
          try {
            task.result();
          } catch (err) {
            seen = err;
          }
        }),
      );
      task.cancel();
      expect(seen).toBeInstanceOf(CancelledError);
      expect(() => task.result()).toThrow(seen as CancelledError);
    });

    it('ignores what the source does after the cancel', () => {
      const source = new Subject<number>();
      const task = createTask(source);
      task.cancel();
      source.next(1);
      source.complete();
      expect(task.cancelled()).toBe(true);
      expect(source.observed).toBe(false);
    });
  });

  describe('cancellation passes through', () => {
    it('ends cancelled when its input fails with CancelledError (it waited on a Task that was cancelled)', () => {
      const inner = createTask(new Subject<number>());
      const outer = createTask(inner);
      inner.cancel();
      expect(outer.done()).toBe(true);
      expect(outer.cancelled()).toBe(true);
      expect(() => outer.exception()).toThrow(CancelledError);
      expect(() => outer.result()).toThrow(CancelledError);
    });

    it('still fails, not cancelled, on any other error', () => {
      const boom = new Error('boom');
      const task = createTask(throwError(() => boom));
      expect(task.cancelled()).toBe(false);
      expect(task.exception()).toBe(boom);
    });
  });

  it('records when it ended among all tasks (completionOrder): 0 while pending, in or out of a group', () => {
    const sources = [new Subject<number>(), new Subject<number>(), new Subject<number>()];
    const tasks: Task<number>[] = [];
    const group = taskGroup((g) => {
      tasks.push(g.createTask(sources[0]!), g.createTask(sources[1]!));
    }).subscribe();
    tasks.push(createTask(sources[2]!));
    expect(tasks.map((task) => completionOrder(task))).toEqual([0, 0, 0]);
    for (const i of [1, 2, 0]) {
      sources[i]!.next(i);
      sources[i]!.complete();
    }
    const [first, second, third] = [1, 2, 0].map((i) => completionOrder(tasks[i]!));
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first!);
    expect(third).toBeGreaterThan(second!);
    group.unsubscribe();
  });

  it('throws a TypeError naming the bad input', () => {
    expect(() => createTask(42 as never)).toThrow(
      new TypeError('createTask: input must be an ObservableInput (Observable, Promise, iterable, ...) or a function returning one, got 42'),
    );
    expect(() => createTask(null as never)).toThrow(/createTask: input must be .*, got null$/);
  });
});
