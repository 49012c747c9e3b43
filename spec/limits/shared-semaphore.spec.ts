import { defer, finalize, lastValueFrom, map } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Semaphore, gather, withPermit } from '../../lib';
import type { Progress } from '../../lib';
import type { HttpRequest, HttpResponse } from '../../lib/http';
import { useHttpbin } from '../http/helpers';

// One semaphore, several users: two gathers (one wrapping its inputs in
// `semaphore.run`, the other piping them through `withPermit`) and a session created
// with `{ semaphore }`. The limit must hold across all of them together.
//
// "Counted at every start": each input increments a shared counter at the moment it
// really starts (when it is subscribed, which under a semaphore is when it holds a
// permit) and decrements it in its teardown (which runs before the permit goes back).
// The counter's value at each start is recorded; it must never pass the limit, and
// must reach it, or the test could not fail.

/** The running count, and its value at each start, for inputs wrapped with `meter.count`. */
class Meter {
  /** Inputs started and not yet torn down. */
  running = 0;
  /** `name@running` at each start, in order of starting. */
  readonly starts: string[] = [];

  /** `source`, counted as running from its subscription to its teardown. */
  count<T>(name: string, source: Observable<T>): Observable<T> {
    return defer(() => {
      this.running++;
      this.starts.push(`${name}@${this.running}`);
      return source.pipe(finalize(() => this.running--));
    });
  }

  /** The running count at every start, in order. */
  get counts(): number[] {
    return this.starts.map((start) => Number(start.split('@')[1]));
  }

  /** Who started, in order. */
  get order(): string[] {
    return this.starts.map((start) => start.split('@')[0]!);
  }
}

const LIMIT = 3;
const names = (kind: string): string[] => [1, 2, 3, 4].map((i) => `${kind}${i}`);

describe('one Semaphore shared by two gathers and a session (against httpbin)', () => {
  const server = useHttpbin();

  it('never runs more than 3 at once, counted at every start by the client and by the server, and reaches 3', async () => {
    const semaphore = new Semaphore(LIMIT);
    const meter = new Meter();
    // The gathers' requests go through a session of their own, not limited by itself.
    const plain = server.session();
    // A real session (axios) taking a permit for each of its requests: it cannot be
    // counted from outside when it starts, but every request of all three reaches the
    // same server, which counts the requests in flight at each arrival.
    const limited = server.session({ semaphore });
    const delay = (name: string) => `/delay/0.2?id=${name}`;

    const gatherA = gather(names('A').map((name) => semaphore.run(meter.count(name, plain.status(delay(name))))));
    const gatherB = gather(names('B').map((name) => meter.count(name, plain.status(delay(name))).pipe(withPermit(semaphore))));
    const sessionC = gather(names('C').map((name) => limited.status(delay(name))));
    const [a, b, c] = await Promise.all([lastValueFrom(gatherA), lastValueFrom(gatherB), lastValueFrom(sessionC)]);

    expect([a, b, c]).toEqual([Array(4).fill(200), Array(4).fill(200), Array(4).fill(200)]);
    // Client side, the gathers: at most 3 at every start, and 3 reached (A1, A2 and A3
    // take the three permits at once).
    expect(Math.max(...meter.counts)).toBe(LIMIT);
    expect(meter.order).toEqual([...names('A'), ...names('B')]);
    // Server side, all three together: 12 requests, never more than 3 in flight, and 3 at the peak.
    expect(server.httpbin.requests).toBe(12);
    expect(server.httpbin.maxActiveRequests).toBe(LIMIT);
    expect(semaphore.available).toBe(LIMIT);
    expect(semaphore.waiting).toBe(0);
  });

  it('counts every start of all three kinds on the client: 1, 2, 3, then exactly 3 at each start, first come first served', async () => {
    const semaphore = new Semaphore(LIMIT);
    const meter = new Meter();
    const plain = server.session();
    // This session's transport counts each request where it really starts (under the
    // session's permit) and hands it to a plain axios session, so the one meter sees
    // all three kinds. Its teardown, like the gathers', runs before the permit goes back.
    const transport = (request: HttpRequest): Observable<HttpResponse> =>
      meter.count(
        new URL(request.url).searchParams.get('id')!,
        plain.request({
          url: request.url,
          method: request.method,
          headers: request.headers,
          data: request.data,
          responseType: request.responseType,
          maxRedirects: request.maxRedirects,
        }),
      );
    const limited = server.session({ semaphore, transport });
    const page = (name: string) => `/anything?id=${name}`;

    const gatherA = gather(names('A').map((name) => semaphore.run(meter.count(name, plain.status(page(name))))));
    const gatherB = gather(names('B').map((name) => meter.count(name, plain.status(page(name))).pipe(withPermit(semaphore))));
    const sessionC = gather(names('C').map((name) => limited.get<{ args: { id: string } }>(page(name)).pipe(map((res) => res.data.args.id))));
    const [a, b, c] = await Promise.all([lastValueFrom(gatherA), lastValueFrom(gatherB), lastValueFrom(sessionC)]);

    expect([a, b, c]).toEqual([Array(4).fill(200), Array(4).fill(200), names('C')]);
    // A start after the first three happens only when a permit comes back, and the
    // input that gave it back has been uncounted by then: so exactly 3, never 4.
    expect(meter.counts).toEqual([1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    // Permits go to the waiters in the order they asked, whichever stream they came from.
    expect(meter.order).toEqual([...names('A'), ...names('B'), ...names('C')]);
    expect(server.httpbin.requests).toBe(12);
    expect(server.httpbin.maxActiveRequests).toBeLessThanOrEqual(LIMIT);
    expect(semaphore.available).toBe(LIMIT);
  });
});

describe('one Semaphore shared by two gathers (virtual time)', () => {
  // Marble strings: one character is one frame; each cold source is indented to the
  // frame it is expected to be subscribed at (its permit), and its subscription marble
  // shows when it got the permit (^) and gave it back (!).
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).toEqual(expected);
    });
  });

  it('interleaves two gathers under Semaphore(2): permits pass between them first come, first served', () => {
    // Gather A (subscribed at 0) asks for a1, a2, a3; gather B (at 1) for b1, b2. a1 and
    // a2 take both permits; a3, b1, b2 queue in that order. a1 ends at 3 → a3; a3 ends at
    // 5 → b1 (B's first start, while a2 still runs); a2 ends at 6 → b2.
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const semaphore = new Semaphore(2);
      const meter = new Meter();
      // prettier-ignore
      const a1 = cold('--1|      ');
      // prettier-ignore
      const a2 = cold('-----2|   ');
      // prettier-ignore
      const a3 = cold('   -3|    ');
      // prettier-ignore
      const b1 = cold('     ---4|');
      // prettier-ignore
      const b2 = cold('      -5| ');
      const gatherA = gather([a1, a2, a3].map((source, i) => semaphore.run(meter.count(`a${i + 1}`, source))));
      const gatherB = gather([b1, b2].map((source, i) => meter.count(`b${i + 1}`, source).pipe(withPermit(semaphore))));
      // prettier-ignore
      expectObservable(gatherA      ).toBe('------(x|)  ', { x: ['1', '2', '3'] });
      // prettier-ignore
      expectObservable(gatherB, '-^').toBe('---------(y|)', { y: ['4', '5'] });
      // prettier-ignore
      expectSubscriptions(a1.subscriptions).toBe('^--!      ');
      // prettier-ignore
      expectSubscriptions(a2.subscriptions).toBe('^-----!   ');
      // prettier-ignore
      expectSubscriptions(a3.subscriptions).toBe('---^-!    ');
      // prettier-ignore
      expectSubscriptions(b1.subscriptions).toBe('-----^---!');
      // prettier-ignore
      expectSubscriptions(b2.subscriptions).toBe('------^-! ');
      testScheduler.schedule(() => {
        expect(meter.starts).toEqual(['a1@1', 'a2@2', 'a3@2', 'b1@2', 'b2@2']);
        expect(semaphore.available).toBe(2);
      }, 10);
    });
  });
});

describe('onProgress of a gather limited by a Semaphore (virtual time)', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).toEqual(expected);
    });
  });

  /** `frame: done/failed of total` for each call. */
  function recorder(): { readonly calls: string[]; readonly onProgress: (progress: Progress) => void } {
    const calls: string[] = [];
    return { calls, onProgress: ({ done, failed, total }) => calls.push(`${testScheduler.now()}: ${done}/${failed} of ${total}`) };
  }

  it('reports { done, failed, total } as each input settles, failures included (returnExceptions)', () => {
    // Semaphore(2): a and b start at 0; c when a ends (3) and fails at 4; d takes c's permit.
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const semaphore = new Semaphore(2);
      const progress = recorder();
      // prettier-ignore
      const a = cold('--a|    ');
      // prettier-ignore
      const b = cold('----b|  ');
      // prettier-ignore
      const c = cold('   -#   ', undefined, 'c failed');
      // prettier-ignore
      const d = cold('    --d|');
      const inputs = [a, b, c, d].map((source) => semaphore.run(source));
      // prettier-ignore
      expectObservable(gather(inputs, { returnExceptions: true, onProgress: progress.onProgress })).toBe(
                     '-------(x|)', { x: ['a', 'b', 'c failed', 'd'] });
      // prettier-ignore
      expectSubscriptions(c.subscriptions).toBe('---^!    ');
      // prettier-ignore
      expectSubscriptions(d.subscriptions).toBe('----^--!');
      testScheduler.schedule(() => {
        expect(progress.calls).toEqual(['3: 1/0 of 4', '4: 2/1 of 4', '5: 3/1 of 4', '7: 4/1 of 4']);
      }, 10);
    });
  });

  it('reports a failure before raising it, and unsubscribes the input still running', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const semaphore = new Semaphore(2);
      const progress = recorder();
      // prettier-ignore
      const a = cold('-a|    ');
      // prettier-ignore
      const b = cold('------b|');
      // prettier-ignore
      const c = cold('  --#  ', undefined, 'c failed');
      const inputs = [a, b, c].map((source) => semaphore.run(source));
      // prettier-ignore
      expectObservable(gather(inputs, { onProgress: progress.onProgress })).toBe(
                     '----#   ', undefined, 'c failed');
      // prettier-ignore
      expectSubscriptions(b.subscriptions).toBe('^---!   ');
      // prettier-ignore
      expectSubscriptions(c.subscriptions).toBe('--^-!   ');
      testScheduler.schedule(() => {
        expect(progress.calls).toEqual(['2: 1/0 of 3', '4: 2/1 of 3']);
        expect(semaphore.available).toBe(2);
      }, 10);
    });
  });
});

describe('a failure under a shared Semaphore (virtual time)', () => {
  // When an input fails, gather gives up and leaves the semaphore's queue before the
  // failed input's permit goes back: the input queued behind it is never started, so
  // no request is opened only to be aborted in the same frame.
  it('never starts the next queued input only to cancel it', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const semaphore = new Semaphore(1);
      // prettier-ignore
      const a = cold('--a|');
      const b = cold('   -#');
      const c = cold('      --c|');
      let calls = 0;
      const third = () => {
        calls++;
        return c;
      };
      expectObservable(gather([semaphore.run(a), semaphore.run(b), semaphore.run(third)])).toBe('----#');
      expectSubscriptions(b.subscriptions).toBe('---^!');
      expectSubscriptions(c.subscriptions).toBe([]);
      testScheduler.flush();
      expect(calls).toBe(0);
      expect(semaphore.available).toBe(1);
      expect(semaphore.waiting).toBe(0);
    });
  });
});
