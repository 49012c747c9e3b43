import { EMPTY, EmptyError, NEVER, TimeoutError, lastValueFrom, of, throwError, timer } from 'rxjs';
import type { Observable } from 'rxjs';
import { defer } from 'rxjs';
import { finalize, map } from 'rxjs/operators';
import { TestScheduler } from 'rxjs/testing';
import { gather } from '../lib';

/**
 * gather is asyncio.gather: run everything at once, get every result back together,
 * in the order the inputs were given. In the marbles below each input is a cold
 * Observable; `^` marks the frame it was subscribed (started) and `!` the frame it was
 * unsubscribed (cancelled). The result stream emits one array, `r`, and completes.
 */
describe('gather', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  describe('results', () => {
    // The happy path: one array `r` at the frame the slowest input completes, each
    // input's last value in the position it was given.
    it('emits every result once all inputs complete, in submission order', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('----a|');
        const b = cold('--b|');
        const c = cold('------c|');
        // Started together at frame 0; the result waits for the slowest.
        expectObservable(gather([a, b, c])).toBe('-------(r|)', { r: ['a', 'b', 'c'] });
        expectSubscriptions(a.subscriptions).toBe('^----!');
        expectSubscriptions(b.subscriptions).toBe('^--!');
        expectSubscriptions(c.subscriptions).toBe('^------!');
      });
    });

    it("takes each input's last value as its result", () => {
      testScheduler.run(({ cold, expectObservable }) => {
        // prettier-ignore
        const a = cold('-1-2-3|');
        const b = cold('--x|');
        expectObservable(gather([a, b])).toBe('------(r|)', { r: ['3', 'x'] });
      });
    });

    it('keeps the keys of a record', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        // prettier-ignore
        const user  = cold('--u|');
        const posts = cold('----p|');
        expectObservable(gather({ user, posts })).toBe('-----(r|)', { r: { user: 'u', posts: 'p' } });
      });
    });

    it('keeps the keys of a Map, in a Map, and subscribes its values', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const user = cold('--u|');
        const posts = cold('----p|');
        const inputs = new Map([
          ['user', user],
          ['posts', posts],
        ]);
        expectObservable(gather(inputs)).toBe('-----(r|)', {
          r: new Map([
            ['user', 'u'],
            ['posts', 'p'],
          ]),
        });
        expectSubscriptions(user.subscriptions).toBe('^--!');
        expectSubscriptions(posts.subscriptions).toBe('^----!');
      });
    });

    it('emits an empty Map for an empty Map', () => {
      let result: unknown;
      gather(new Map()).subscribe((r) => (result = r));
      expect(result).toEqual(new Map());
    });

    it('names an input of a record or a Map by its key in an EmptyError', () => {
      let recordError: unknown;
      let mapError: unknown;
      gather({ user: of(1), profile: EMPTY }).subscribe({ error: (e: unknown) => (recordError = e) });
      gather(new Map([['profile', EMPTY]])).subscribe({ error: (e: unknown) => (mapError = e) });
      expect(recordError).toBeInstanceOf(EmptyError);
      expect((recordError as Error).message).toBe('gather: inputs.profile completed without a value');
      expect((mapError as Error).message).toBe('gather: inputs.get("profile") completed without a value');
    });

    it('emits [] at once for an empty array, and {} for an empty record', () => {
      testScheduler.run(({ expectObservable }) => {
        expectObservable(gather([])).toBe('(r|)', { r: [] });
        expectObservable(gather({})).toBe('(r|)', { r: {} });
      });
    });

    it('emits synchronously when every input is synchronous', () => {
      const seen: unknown[] = [];
      gather([of(1), of(2)]).subscribe((r) => seen.push(r));
      expect(seen).toEqual([[1, 2]]);
    });

    it('runs the same cold Observable twice when it is given twice', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('--a|');
        expectObservable(gather([a, a])).toBe('---(r|)', { r: ['a', 'a'] });
        expectSubscriptions(a.subscriptions).toBe(['^--!', '^--!']);
      });
    });

    it('is cold: nothing starts before subscription, and each subscription runs again', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('--a|');
        const gathered = gather([a]);
        expectObservable(gathered, '---^').toBe('------(r|)', { r: ['a'] });
        expectObservable(gathered, '-^').toBe('----(r|)', { r: ['a'] });
        expectSubscriptions(a.subscriptions).toBe(['-^--!', '---^--!']);
      });
    });
  });

  describe('failures', () => {
    // A failure ends the run at its own frame: the `!` of every sibling still running
    // lands on that same frame, which is the proof that they were cancelled.
    it('fails at once with the first error and unsubscribes the inputs still running', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('------a|');
        const b = cold('--#', undefined, 'boom');
        const c = cold('--------c|');
        expectObservable(gather([a, b, c])).toBe('--#', undefined, 'boom');
        // The siblings are cancelled at frame 2, when b fails (asyncio would let them run).
        expectSubscriptions(a.subscriptions).toBe('^-!');
        expectSubscriptions(c.subscriptions).toBe('^-!');
      });
    });

    it('fails with EmptyError when an input completes without a value (forkJoin would stay silent)', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('----a|');
        const b = cold('--|');
        expectObservable(gather([a, b])).toBe('--#', undefined, expect.any(EmptyError));
        expectSubscriptions(a.subscriptions).toBe('^-!');
      });
    });

    it('names the empty input in the EmptyError message', () => {
      let error: unknown;
      gather([of(1), of()]).subscribe({ error: (e: unknown) => (error = e) });
      expect(error).toBeInstanceOf(EmptyError);
      expect((error as Error).message).toBe('gather: inputs[1] completed without a value');
    });

    it('with returnExceptions, puts each failure in its place and lets the others finish', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const boom = new Error('boom');
        // prettier-ignore
        const a = cold('------a|');
        const b = cold('--#', undefined, boom);
        const c = cold('---|');
        expectObservable(gather([a, b, c], { returnExceptions: true })).toBe('-------(r|)', {
          r: ['a', boom, expect.any(EmptyError)],
        });
        expectSubscriptions(a.subscriptions).toBe('^------!');
      });
    });

    it('fails when a function input throws, naming nothing but its error', () => {
      const boom = new Error('sync');
      let error: unknown;
      gather([
        () => {
          throw boom;
        },
      ]).subscribe({ error: (e: unknown) => (error = e) });
      expect(error).toBe(boom);
    });

    it('fails with a TypeError when a function input returns something that is not an input', () => {
      let error: unknown;
      gather([() => 42 as never]).subscribe({ error: (e: unknown) => (error = e) });
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe('gather: inputs[0] is a function that returned 42, not an ObservableInput');
    });
  });

  describe('concurrency', () => {
    // With a limit, later inputs are subscribed (`^`) only at the frame an earlier one
    // ends (`!`): the subscription marbles show each slot being handed on.
    it('starts at most N inputs at once, in submission order, each as a slot frees', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('----a|');
        const b = cold('--b|');
        const c = cold('--c|');
        const d = cold('-d|');
        expectObservable(gather([a, b, c, d], { concurrency: 2 })).toBe('-------(r|)', { r: ['a', 'b', 'c', 'd'] });
        expectSubscriptions(a.subscriptions).toBe('^----!');
        expectSubscriptions(b.subscriptions).toBe('^--!');
        expectSubscriptions(c.subscriptions).toBe('---^--!'); // b's slot
        expectSubscriptions(d.subscriptions).toBe('-----^-!'); // a's slot
      });
    });

    it('never has more than N inputs running, counted at every start', async () => {
      let running = 0;
      let peak = 0;
      const job = (i: number) => async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => setImmediate(resolve));
        running--;
        return i;
      };
      const inputs = Array.from({ length: 50 }, (_, i) => job(i));
      const result = await new Promise((resolve) => gather(inputs, { concurrency: 3 }).subscribe(resolve));
      expect(result).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(peak).toBe(3);
    });

    it("starts the next input only after the finished one's teardown has run", () => {
      testScheduler.run(({ cold, expectObservable }) => {
        let subscribed = 0;
        let peak = 0;
        const input = (marbles: string) =>
          defer(() => {
            peak = Math.max(peak, ++subscribed);
            return cold(marbles).pipe(finalize(() => subscribed--));
          });
        expectObservable(gather([input('--a|'), input('-b|'), input('--c|'), input('-d|')], { concurrency: 2 })).toBe('-----(r|)', {
          r: ['a', 'b', 'c', 'd'],
        });
        testScheduler.flush();
        expect(peak).toBe(2);
      });
    });

    it('calls a function input only when its slot is free', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const calls: number[] = [];
        const slow = cold('---x|');
        const input = (i: number) => () => {
          calls.push(testScheduler.now());
          return slow.pipe(map(() => i));
        };
        expectObservable(gather([input(0), input(1), input(2)], { concurrency: 1 })).toBe('------------(r|)', { r: [0, 1, 2] });
        testScheduler.flush();
        expect(calls).toEqual([0, 4, 8]);
      });
    });

    it('handles 100,000 synchronous inputs at concurrency 1 without growing the stack', () => {
      const inputs = Array.from({ length: 100_000 }, (_, i) => of(i));
      let result: number[] = [];
      gather(inputs, { concurrency: 1 }).subscribe((r) => (result = r));
      expect(result.length).toBe(100_000);
      expect(result[99_999]).toBe(99_999);
    });
  });

  describe('timeout', () => {
    // The deadline counts from subscription; at that frame the run fails with rxjs's
    // TimeoutError and every input still running shows its `!`.
    it('fails with rxjs TimeoutError at the deadline and unsubscribes the running inputs', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('--a|');
        const b = cold('----------b|');
        expectObservable(gather([a, b], { timeout: 5 })).toBe('-----#', undefined, expect.any(TimeoutError));
        expectSubscriptions(a.subscriptions).toBe('^--!');
        expectSubscriptions(b.subscriptions).toBe('^----!');
      });
    });

    it('says which function timed out and after how long', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const never = cold('-');
        expectObservable(gather([never], { timeout: 3 })).toBe('---#', undefined, expect.objectContaining({ message: 'gather: timed out after 3 ms' }));
      });
    });

    it('clears its timer when it completes in time', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const a = cold('--a|');
        expectObservable(gather([a], { timeout: 5 })).toBe('---(r|)', { r: ['a'] });
      });
      // After run(), any timer still scheduled would have thrown when flushed; check the real one too.
      const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      gather([of(1)], { timeout: 10_000 }).subscribe();
      expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    });
  });

  describe('unsubscribing', () => {
    // The third argument of expectObservable (`^--!`) is the subscriber leaving early;
    // the inputs' own `!` at that frame shows the leaving reached them.
    it('unsubscribes every running input when the subscriber leaves', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('------a|');
        const b = cold('--------b|');
        expectObservable(gather([a, b]), '^--!').toBe('----');
        expectSubscriptions(a.subscriptions).toBe('^--!');
        expectSubscriptions(b.subscriptions).toBe('^--!');
      });
    });

    it('ends an unfinished generator, running its finally block', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        let finalized = false;
        function* inputs() {
          try {
            for (;;) yield cold('--x|');
          } finally {
            finalized = true;
          }
        }
        expectObservable(gather(inputs(), { concurrency: 2 }), '^----!').toBe('------');
        testScheduler.flush();
        expect(finalized).toBe(true);
      });
    });
  });

  describe('progress', () => {
    // onProgress is called at each input's settling frame, before a failure is raised.
    it('reports { done, failed, total } after each input settles, a failure before it is raised', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const reports: unknown[] = [];
        // prettier-ignore
        const a = cold('--a|');
        const b = cold('----#');
        const c = cold('------c|');
        const gathered = gather([a, b, c], { onProgress: (p) => reports.push({ ...p, at: testScheduler.now() }) });
        expectObservable(gathered).toBe('----#');
        testScheduler.flush();
        expect(reports).toEqual([
          { done: 1, failed: 0, total: 3, at: 3 },
          { done: 2, failed: 1, total: 3, at: 4 },
        ]);
      });
    });

    it('reports total as undefined until a lazy iterable is exhausted', () => {
      const reports: unknown[] = [];
      function* inputs() {
        yield of(1);
        yield of(2);
      }
      gather(inputs(), { onProgress: (p) => reports.push(p) }).subscribe();
      expect(reports).toEqual([
        { done: 1, failed: 0, total: undefined },
        { done: 2, failed: 0, total: undefined },
      ]);
    });

    it('fails the run with the error an onProgress callback throws', () => {
      const oops = new Error('callback');
      let error: unknown;
      gather([of(1), of(2)], {
        onProgress: () => {
          throw oops;
        },
      }).subscribe({ error: (e: unknown) => (error = e) });
      expect(error).toBe(oops);
    });
  });

  describe('other inputs', () => {
    // Promises, factories and iterables do not run in virtual time: ordinary async tests.
    it('accepts Promises, functions returning them, arrays and iterables as inputs', async () => {
      const result = await new Promise((resolve) =>
        gather([Promise.resolve(1), () => Promise.resolve('two'), [1, 2, 3], new Set(['s']), timer(1).pipe(map(() => 'timer'))]).subscribe(resolve),
      );
      expect(result).toEqual([1, 'two', 3, 's', 'timer']);
    });

    it('passes a rejected Promise on as the failure', async () => {
      const boom = new Error('rejected');
      await expect(
        new Promise((resolve, reject) => gather([Promise.resolve(1), Promise.reject(boom)]).subscribe({ next: resolve, error: reject })),
      ).rejects.toBe(boom);
    });

    it('does not call a Promise factory until a slot is free', async () => {
      const started: number[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const inputs = [0, 1, 2].map((i) => async () => {
        started.push(i);
        await gate;
        return i;
      });
      const done = new Promise((resolve) => gather(inputs, { concurrency: 1 }).subscribe(resolve));
      await Promise.resolve();
      expect(started).toEqual([0]);
      release();
      expect(await done).toEqual([0, 1, 2]);
    });

    it('pulls an async iterable lazily: at most `concurrency` inputs taken ahead of being finished', async () => {
      let pulled = 0;
      let ended = 0;
      let mostAhead = 0;
      async function* inputs(): AsyncGenerator<() => Promise<number>> {
        for (let i = 0; i < 10; i++) {
          pulled++;
          mostAhead = Math.max(mostAhead, pulled - ended);
          yield () => new Promise<number>((resolve) => setImmediate(() => (ended++, resolve(i))));
        }
      }
      const results = await lastValueFrom(gather(inputs(), { concurrency: 3 }));
      expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(mostAhead).toBe(3);
    });

    it('fails with the error an async iterable throws, and a non-input it yields', async () => {
      const boom = new Error('async iterator');
      async function* throwing(): AsyncGenerator<Observable<number>> {
        yield of(1);
        throw boom;
      }
      async function* yieldingJunk(): AsyncGenerator<unknown> {
        yield of(1);
        yield 42;
      }
      await expect(lastValueFrom(gather(throwing()))).rejects.toBe(boom);
      await expect(lastValueFrom(gather(yieldingJunk() as AsyncIterable<never>))).rejects.toThrow(
        /^gather: inputs\[1\] must be an ObservableInput .*, got 42$/,
      );
    });

    it('ends an unfinished async iterable when the run ends early (its finally runs)', async () => {
      let finished = false;
      async function* inputs(): AsyncGenerator<Observable<never>> {
        try {
          yield throwError(() => new Error('first'));
          yield NEVER;
        } finally {
          finished = true;
        }
      }
      await expect(lastValueFrom(gather(inputs(), { concurrency: 1 }))).rejects.toThrow('first');
      await new Promise((resolve) => setImmediate(resolve));
      expect(finished).toBe(true);
    });

    it('sees an exhausted generator on a second subscription', () => {
      function* inputs() {
        yield of(1);
      }
      const gathered = gather(inputs());
      const results: unknown[] = [];
      gathered.subscribe((r) => results.push(r));
      gathered.subscribe((r) => results.push(r));
      expect(results).toEqual([[1], []]);
    });

    it('fails with a TypeError when a lazy iterable yields something that is not an input', () => {
      let error: unknown;
      function* inputs(): Generator<unknown> {
        yield of(1);
        yield 42;
      }
      gather(inputs() as Iterable<never>).subscribe({ error: (e: unknown) => (error = e) });
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/^gather: inputs\[1\] must be an ObservableInput .*, got 42$/);
    });

    it('fails with the error a lazy iterable throws', () => {
      const boom = new Error('iterator');
      function* inputs() {
        yield of(1);
        throw boom;
      }
      let error: unknown;
      gather(inputs()).subscribe({ error: (e: unknown) => (error = e) });
      expect(error).toBe(boom);
    });

    it('keeps a throwError input as the result with returnExceptions', () => {
      const boom = new Error('x');
      let result: unknown;
      gather([throwError(() => boom), of(2)], { returnExceptions: true }).subscribe((r) => (result = r));
      expect(result).toEqual([boom, 2]);
    });
  });
});
