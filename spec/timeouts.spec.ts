import { NEVER, TimeoutError, finalize, map, of } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { asCompleted, asCompletedAll, createTask, deadline, gather, gatherAll, waitFor } from '../lib';
import { createSession } from '../lib/http';
import { fakeTransport } from '../lib/testing';

/**
 * Every timeout ends the work before it is reported (asyncio does, and so does rxjs's
 * own `timeout`): by the time the subscriber receives the TimeoutError, every input
 * still running has been unsubscribed and its teardown has run. Each row times out at
 * frame 5 over an input that would run on; the log shows the order within that frame,
 * which marbles alone cannot.
 */
describe('every timeout', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const rows: [name: string, timed: (input: Observable<string>) => Observable<unknown>][] = [
    ['waitFor', (input) => waitFor(input, 5)],
    ['deadline', (input) => input.pipe(deadline(5))],
    ['gather', (input) => gather([input, of('done')], { timeout: 5 })],
    ['asCompleted', (input) => asCompleted([input], { timeout: 5 })],
    ['gatherAll', (input) => of(input).pipe(gatherAll({ timeout: 5 }))],
    ['asCompletedAll', (input) => of(input).pipe(asCompletedAll({ timeout: 5 }))],
    [
      'a session request',
      (input) => createSession({ timeout: 5, transport: fakeTransport(() => input.pipe(map((data) => ({ data })))) }).get('http://127.0.0.1/x'),
    ],
  ];

  it.each(rows)('%s: the input is unsubscribed, and its teardown has run, before the TimeoutError arrives', (_name, timed) => {
    testScheduler.run(({ cold, expectSubscriptions, flush }) => {
      const log: string[] = [];
      const input = cold('-a-----------b|');
      timed(input.pipe(finalize(() => log.push('teardown')))).subscribe({
        error: (err: unknown) => log.push(err instanceof TimeoutError ? `TimeoutError at ${testScheduler.now()}` : String(err)),
      });
      flush();
      expect(log).toEqual(['teardown', 'TimeoutError at 5']);
      expectSubscriptions(input.subscriptions).toBe('^----!');
    });
  });

  it('waitFor: a Task input is already cancelled() when the TimeoutError arrives', () => {
    testScheduler.run(() => {
      const task = createTask(NEVER);
      let cancelledWhenReported: boolean | undefined;
      waitFor(task, 5).subscribe({ error: () => (cancelledWhenReported = task.cancelled()) });
      testScheduler.flush();
      expect(cancelledWhenReported).toBe(true);
    });
  });
});
