// The marble lessons, from simple to subtle. Each one runs for real under
// `TestScheduler.run`; docs/marbles.md shows the code between its `#region` markers
// exactly as written here, and the diagrams drawn from what that code did.
// After changing a lesson (or the library), run `npm run marbles`.

import { concat, finalize, ignoreElements, map, merge, tap } from 'rxjs';
import {
  Barrier,
  Condition,
  Event,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Lock,
  Queue,
  RateLimiter,
  Semaphore,
  asCompleted,
  asCompletedAll,
  createTask,
  deadline,
  gather,
  gatherAll,
  taskGroup,
  wait,
  waitFor,
  waitUntil,
  withPermit,
} from '../../lib';
import type { Lesson } from './record';

export const lessons: Lesson[] = [
  {
    id: 'gather',
    title: 'gather: every result at once, in the order given',
    explain:
      'All three inputs are subscribed at frame 0. `b` finishes first, but `gather` waits for the slowest, `c`, ' +
      'then emits one array in the order the inputs were given (not the order they finished) and completes. ' +
      "Each input's subscription ends with its own completion: nothing is cancelled.",
    box: 'gather([a, b, c])',
    run: ({ cold }) => {
      // #region gather
      const a = cold('----a|');
      const b = cold('--b|');
      const c = cold('------c|');
      const result = gather([a, b, c]);
      return { inputs: { a, b, c }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'as-completed',
    title: 'asCompleted: each result as soon as its input completes',
    explain:
      'The same inputs, but each result is handed over the frame its input completes: `b`, then `a`, then `c`, ' +
      'and the stream completes with the last one. The output follows completion order, not submission order.',
    box: 'asCompleted([a, b, c])',
    run: ({ cold }) => {
      // #region as-completed
      const a = cold('----a|');
      const b = cold('--b|');
      const c = cold('------c|');
      const result = asCompleted([a, b, c]);
      return { inputs: { a, b, c }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'wait-for',
    title: 'waitFor: a deadline for one input',
    explain:
      '`waitFor` mirrors its input value for value. The input has not completed by frame 4, so at frame 4 the ' +
      "output fails with rxjs's `TimeoutError` and the input is unsubscribed at that very frame (its `!`): " +
      '`c` and `d` never happen.',
    box: 'waitFor(input, 4)',
    run: ({ cold }) => {
      // #region wait-for
      const input = cold('-a-b-c-d|');
      const result = waitFor(input, 4);
      return { inputs: { input }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'deadline',
    title: 'deadline: bound the whole run, not the gaps',
    explain:
      "rxjs's `timeout(6)` would never fire here: the source never goes quiet for 6 frames. `deadline(6)` " +
      'counts from the subscription to the completion (as `asyncio.timeout` does), so it cuts the source at frame 6.',
    box: 'source.pipe(deadline(6))',
    run: ({ cold }) => {
      // #region deadline
      const source = cold('-a-b-c-d-e-f|');
      const result = source.pipe(deadline(6));
      return { inputs: { source }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'gather-failure',
    title: 'gather: the first failure cancels the others',
    explain:
      '`b` fails at frame 2. `gather` raises that error at once and unsubscribes `a` and `c` in the same frame ' +
      '(their `!`), so their values never come. asyncio would let the siblings run on; here a failure stops the work.',
    box: 'gather([a, b, c])',
    run: ({ cold }) => {
      // #region gather-failure
      const a = cold('------a|');
      const b = cold('--#', undefined, 'boom');
      const c = cold('--------c|');
      const result = gather([a, b, c]);
      return { inputs: { a, b, c }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'gather-return-exceptions',
    title: 'gather with returnExceptions: failures become results',
    explain:
      "With `returnExceptions: true`, `b`'s error takes `b`'s place in the array and the others go on to the end. " +
      '`c` completes without a value: that is a failure too (`EmptyError`, naming the input), where `forkJoin` ' +
      'would have completed silently.',
    box: 'gather([a, b, c], { returnExceptions: true })',
    run: ({ cold }) => {
      // #region gather-return-exceptions
      const a = cold('------a|');
      const b = cold('--#', undefined, new Error('boom'));
      const c = cold('---|');
      const result = gather([a, b, c], { returnExceptions: true });
      return { inputs: { a, b, c }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'gather-concurrency',
    title: 'gather with concurrency: at most N at once, in order',
    explain:
      'With `concurrency: 2`, only `a` and `b` start at frame 0. `c` takes the slot `b` frees at frame 3, `d` the ' +
      'one `a` frees at frame 5: read it off the `^` of each subscription line. The results still come in the order given.',
    box: 'gather([a, b, c, d], { concurrency: 2 })',
    run: ({ cold }) => {
      // #region gather-concurrency
      const a = cold('----a|');
      const b = cold('--b|');
      const c = cold('--c|');
      const d = cold('-d|');
      const result = gather([a, b, c, d], { concurrency: 2 });
      return { inputs: { a, b, c, d }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'gather-timeout',
    title: 'gather with timeout: a deadline for the whole gather',
    explain:
      '`a` is done at frame 3, but `b` is still running at the 5-frame deadline: the gather fails with ' +
      '`TimeoutError` and `b` is unsubscribed at frame 5. A result that came in time is not delivered: gather is all or nothing.',
    box: 'gather([a, b], { timeout: 5 })',
    run: ({ cold }) => {
      // #region gather-timeout
      const a = cold('--a|');
      const b = cold('----------b|');
      const result = gather([a, b], { timeout: 5 });
      return { inputs: { a, b }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'as-completed-timeout',
    title: 'asCompleted with timeout: what finished in time, then TimeoutError',
    explain:
      'Unlike gather, `asCompleted` has already handed `a` over at frame 3 when the deadline comes at frame 6. ' +
      'Then it fails with `TimeoutError` and unsubscribes `b`, which is still running.',
    box: 'asCompleted([a, b], { timeout: 6 })',
    run: ({ cold }) => {
      // #region as-completed-timeout
      const a = cold('--a|');
      const b = cold('---------b|');
      const result = asCompleted([a, b], { timeout: 6 });
      return { inputs: { a, b }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'task-cancel',
    title: 'createTask and cancel: the one hot thing',
    explain:
      "A Task subscribes to its source when it is created (the source's `^` at frame 0), once, whoever listens. " +
      '`cancel()` at frame 3 unsubscribes the source (`!`) and fails every subscriber with `CancelledError`, ' +
      'even one that only comes at frame 5.',
    box: 'createTask(source)',
    run: ({ cold, testScheduler }) => {
      // #region task-cancel
      const source = cold('------x|');
      const task = createTask(source);
      testScheduler.schedule(() => task.cancel(), 3);
      return { inputs: { source }, outputs: { task, late: task }, consumers: { late: '-----^' } };
      // #endregion
    },
  },
  {
    id: 'wait',
    title: 'wait: which tasks are done, and which pending',
    explain:
      '`wait` starts each input as a Task and, once every one is done (`ALL_COMPLETED`, the default), emits ' +
      '`{ done, pending }` and completes. `done` is in completion order: `b`, `a`, `c`.',
    box: 'wait([a, b, c])',
    run: ({ cold }) => {
      // #region wait
      const a = cold('----a|');
      const b = cold('--b|');
      const c = cold('------c|');
      const result = wait([a, b, c]);
      return { inputs: { a, b, c }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'wait-first-completed',
    title: 'wait FIRST_COMPLETED: the pending tasks run on',
    explain:
      '`wait` emits at frame 3, as soon as `b` is done. It cancels nothing: the subscription lines of `a` and `c` ' +
      'run past that frame to their own completion. The caller holds them in `pending`, to cancel or wait on again.',
    box: 'wait([a, b, c], { returnWhen: FIRST_COMPLETED })',
    run: ({ cold }) => {
      // #region wait-first-completed
      const a = cold('------a|');
      const b = cold('--b|');
      const c = cold('--------c|');
      const result = wait([a, b, c], { returnWhen: FIRST_COMPLETED });
      return { inputs: { a, b, c }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'wait-first-exception',
    title: 'wait FIRST_EXCEPTION: stop watching at the first failure',
    explain:
      '`b` fails at frame 5 and `wait` emits then, with the failed task in `done` (read its `exception()`): `wait` ' +
      'itself never fails because a task did. `c` is pending and runs on.',
    box: 'wait([a, b, c], { returnWhen: FIRST_EXCEPTION })',
    run: ({ cold }) => {
      // #region wait-first-exception
      const a = cold('--a|');
      const b = cold('-----#', undefined, 'boom');
      const c = cold('---------c|');
      const result = wait([a, b, c], { returnWhen: FIRST_EXCEPTION });
      return { inputs: { a, b, c }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'wait-timeout',
    title: 'wait with timeout: whatever is done by then, no error',
    explain:
      'At the 5-frame timeout, `wait` emits what is done (`a`) and what is not (`b`), and completes. ' +
      'It does not raise, and `b` keeps running to frame 11.',
    box: 'wait([a, b], { timeout: 5 })',
    run: ({ cold }) => {
      // #region wait-timeout
      const a = cold('--a|');
      const b = cold('----------b|');
      const result = wait([a, b], { timeout: 5 });
      return { inputs: { a, b }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'gather-all',
    title: 'gatherAll: gather as an operator',
    explain:
      'The source emits the inputs themselves. Each one is subscribed the frame it arrives (`a` at 1, `b` at 4), ' +
      'and the one array comes once the source has completed and every input is done, in arrival order.',
    box: 'source.pipe(gatherAll())',
    run: ({ cold, hot }) => {
      // #region gather-all
      const a = cold('------x|');
      const b = cold('-y|');
      const source = hot('-a--b-----|', { a, b });
      const result = source.pipe(gatherAll());
      return { inputs: { source, a, b }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'as-completed-all',
    title: 'asCompletedAll: as_completed as an operator',
    explain:
      'Each result is emitted the frame its input completes: `b` arrived later but finishes first. ' +
      "Unlike `mergeMap`, only an input's last value comes out; the output completes after the source and every input.",
    box: 'source.pipe(asCompletedAll())',
    run: ({ cold, hot }) => {
      // #region as-completed-all
      const a = cold('------x|');
      const b = cold('-y|');
      const source = hot('-a--b-----|', { a, b });
      const result = source.pipe(asCompletedAll());
      return { inputs: { source, a, b }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'wait-until',
    title: 'waitUntil: wait as an operator, which stops listening',
    explain:
      "`a` completes at frame 6, so `waitUntil(FIRST_COMPLETED)` emits then, while the source is still going: the source's " +
      'subscription ends at frame 6, the proof that it takes no more inputs. `b`, already started, is pending and runs on.',
    box: 'source.pipe(waitUntil(FIRST_COMPLETED))',
    run: ({ cold, hot }) => {
      // #region wait-until
      const a = cold('----x|');
      const b = cold('--------y|');
      const source = hot('-a-b--------|', { a, b });
      const result = source.pipe(waitUntil(FIRST_COMPLETED));
      return { inputs: { source, a, b }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'semaphore',
    title: 'Semaphore.run: one permit, first come first served',
    explain:
      'With one permit, each input is subscribed the frame the one before it completes, in the order they asked: ' +
      "every `^` sits under the previous `!`. A cold input's script starts at its subscription, so `b` and `c` are drawn from there.",
    box: 'merge(semaphore.run(a), semaphore.run(b), semaphore.run(c))',
    run: ({ cold }) => {
      // #region semaphore
      const semaphore = new Semaphore(1);
      const a = cold('--a|');
      const b = cold('--b|');
      const c = cold('--c|');
      const result = merge(semaphore.run(a), semaphore.run(b), semaphore.run(c));
      return { inputs: { a, b, c }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'with-permit',
    title: 'withPermit: the permit goes back after the teardown',
    explain:
      "`first`'s consumer leaves at frame 3. `socket`'s teardown runs while the permit is still held (the note below), " +
      'and only then does `next` get it and start, in that same frame. A permit that guards a socket is never ' +
      'handed on while the socket is open.',
    box: 'withPermit(semaphore)',
    run: ({ cold, note }) => {
      // #region with-permit
      const semaphore = new Semaphore(1);
      const socket = cold('-a------|');
      const next = cold('--b|');
      const closing = socket.pipe(
        finalize(() => note(`socket's teardown: ${semaphore.available} permits free, next subscribed: ${next.subscriptions.length > 0}`)),
      );
      const first = closing.pipe(withPermit(semaphore));
      const second = next.pipe(withPermit(semaphore));
      return { inputs: { socket, next }, outputs: { first, second }, consumers: { first: '^--!' } };
      // #endregion
    },
  },
  {
    id: 'rate-limiter',
    title: 'RateLimiter: 2 starts per 10 frames',
    explain:
      'Five inputs ask at frame 0. The limiter delays each subscription until a start is allowed: two at 0, two at 10, ' +
      'the last at 20, in the order they asked. It counts starts only, not how long an input runs.',
    box: 'merge(...[s1, s2, s3, s4, s5].map((s) => limiter.run(s)))',
    run: ({ cold }) => {
      // #region rate-limiter
      const limiter = new RateLimiter({ count: 2, interval: 10 });
      const [s1, s2, s3, s4, s5] = ['1', '2', '3', '4', '5'].map((v) => cold(`-${v}|`));
      const result = merge(...[s1, s2, s3, s4, s5].map((s) => limiter.run(s)));
      return { inputs: { s1, s2, s3, s4, s5 }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'task-group',
    title: 'taskGroup: the body and its tasks end together',
    explain:
      "The body starts two tasks and returns an input of its own, all subscribed at frame 0. The body's `r` comes at frame 1, " +
      'but the group emits it only at frame 5, when its last task, `a`, has ended: nothing started in a group outlives it.',
    box: 'taskGroup((group) => { group.createTask(a); group.createTask(b); return body; })',
    run: ({ cold }) => {
      // #region task-group
      const a = cold('----a|');
      const b = cold('--b|');
      const body = cold('-r|');
      const result = taskGroup((group) => {
        group.createTask(a);
        group.createTask(b);
        return body;
      });
      return { inputs: { a, b, body }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'task-group-failure',
    title: 'taskGroup: the first failure cancels the rest of the group',
    explain:
      '`b` fails at frame 2. In that frame the group cancels `a` and the body (their `!`), and once they have ended it fails ' +
      "with a `TaskGroupError` holding `b`'s error (asyncio's ExceptionGroup). A task cancelled with `task.cancel()` would not count as a failure.",
    box: 'taskGroup((group) => { group.createTask(a); group.createTask(b); return body; })',
    run: ({ cold }) => {
      // #region task-group-failure
      const a = cold('------a|');
      const b = cold('--#', undefined, new Error('boom'));
      const body = cold('--------r|');
      const result = taskGroup((group) => {
        group.createTask(a);
        group.createTask(b);
        return body;
      });
      return { inputs: { a, b, body }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'lock',
    title: 'Lock: one at a time, in the order asked',
    explain:
      'A Lock is a Semaphore of one permit: `b` asked at frame 0 too, but is subscribed only at frame 3, the frame `a` completes ' +
      'and frees the lock (the note shows it held in between).',
    box: 'merge(lock.run(a), lock.run(b))',
    run: ({ cold, note, testScheduler }) => {
      // #region lock
      const lock = new Lock();
      const a = cold('--a|');
      const b = cold('--b|');
      testScheduler.schedule(() => note(`locked: ${lock.locked()}, waiting: ${lock.waiting}`), 1);
      const result = merge(lock.run(a), lock.run(b));
      return { inputs: { a, b }, outputs: { result } };
      // #endregion
    },
  },
  {
    id: 'event',
    title: 'Event: every waiter woken by one set()',
    explain:
      '`first` waits from frame 0 and `second` from frame 2; the `signal` sets the event at frame 4 and both emit `true` (drawn `t`) then. ' +
      '`later`, subscribed at 6 while the event is set, emits at once; `clear()` would make the next ones wait again.',
    box: 'event.wait()',
    run: ({ hot }) => {
      // #region event
      const event = new Event();
      const signal = hot('----s---');
      signal.subscribe(() => event.set());
      const wait = event.wait().pipe(map(() => 't'));
      return { inputs: { signal }, outputs: { first: wait, second: wait, later: wait }, consumers: { second: '--^', later: '------^' } };
      // #endregion
    },
  },
  {
    id: 'condition',
    title: 'Condition: sleep without the lock, run under it once the state is right',
    explain:
      'At frame 0 the consumer takes the lock, finds `ready` false and sleeps, holding nothing. The producer runs under the lock ' +
      'from frame 1; at frame 3 it sets `ready` and calls `notify()`. The consumer wakes and waits for the lock, gets it when the ' +
      "producer ends at frame 4, finds `ready` true, and `consume` runs under the lock: its `^` sits under `produce`'s `!`.",
    box: 'condition.runWhen(() => ready, consume) / condition.run(produce)',
    run: ({ cold }) => {
      // #region condition
      const condition = new Condition();
      let ready = false;
      const consume = cold('-c|');
      const produce = cold('--p|');
      const consumer = condition.runWhen(() => ready, consume);
      const producer = condition.run(produce.pipe(tap(() => ((ready = true), condition.notify()))));
      return { inputs: { consume, produce }, outputs: { consumer, producer }, consumers: { producer: '-^' } };
      // #endregion
    },
  },
  {
    id: 'barrier',
    title: 'Barrier: nobody passes before all have arrived',
    explain:
      'Three streams do some work of their own (done at frames 1, 3 and 6), then wait at a `Barrier(3)`. The third arrival, at ' +
      'frame 6, lets the round through: each emits its arrival index (0, 1, 2) in that frame, and the barrier is ready for a new round.',
    box: 'concat(work.pipe(ignoreElements()), barrier.wait())',
    run: ({ cold }) => {
      // #region barrier
      const barrier = new Barrier(3);
      const [x, y, z] = [cold('-x|'), cold('---y|'), cold('------z|')];
      const arrive = (work: typeof x) => concat(work.pipe(ignoreElements()), barrier.wait()).pipe(map(String));
      return { inputs: { x, y, z }, outputs: { first: arrive(x), second: arrive(y), third: arrive(z) } };
      // #endregion
    },
  },
  {
    id: 'queue',
    title: 'Queue: each item to the get that asked first; a get that leaves takes nothing',
    explain:
      'Three gets wait on an empty queue. `left` lets go at frame 2, before any item: it takes nothing. The items put at frames ' +
      '3 and 5 go to `first` and `second`, in the order they asked, and every item put is got exactly once.',
    box: 'queue.get()',
    run: ({ hot }) => {
      // #region queue
      const queue = new Queue<string>();
      const puts = hot('---x-y---');
      puts.subscribe((item) => queue.putNowait(item));
      return {
        inputs: { puts },
        outputs: { left: queue.get(), first: queue.get(), second: queue.get() },
        consumers: { left: '^-!', second: '-^' },
      };
      // #endregion
    },
  },
];
