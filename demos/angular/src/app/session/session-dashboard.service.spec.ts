import { TestBed } from '@angular/core/testing';
import { TimeoutError } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { RunHelpers } from 'rxjs/testing';
import { provideSession } from 'rxjs-asyncio/angular';
import { CancelledError, HttpStatusError, NetworkError } from 'rxjs-asyncio/http';
import type { HttpRequest, SessionOptions } from 'rxjs-asyncio/http';
import { fakeTransport } from 'rxjs-asyncio/testing';
import type { FakeResponse } from 'rxjs-asyncio/testing';
import type { Echo } from '../models';
import { SessionDashboardService } from './session-dashboard.service';

// In Node (jsdom) and in Chromium: rxjs-asyncio/http and /testing load in a browser bundle.

const API = 'https://api.test/api';

/** Errors compared by class and message (toEqual on two errors compares little else). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Error) return { class: value.constructor.name, message: value.message };
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(plain(actual)).toEqual(plain(expected)));

/** A cold marble Observable of responses, with the subscription log expectSubscriptions reads. */
type Reply = ReturnType<RunHelpers['cold']> & Observable<FakeResponse>;

/**
 * The service under test, on the session of `provideSession`, whose transport answers
 * each request with the cold Observable `routes` gives for its URL (less the API base).
 * Call inside `TestScheduler.run()`: the session is made when the service is injected,
 * so its timeouts run in virtual time.
 */
function serviceWith(
  routes: Record<string, Reply>,
  options: SessionOptions = {},
): SessionDashboardService {
  const transport = fakeTransport((request: HttpRequest) => {
    const reply = routes[request.url.replace(API, '')];
    if (!reply) throw new Error(`no route for ${request.url}`);
    return reply;
  });
  TestBed.configureTestingModule({
    providers: [provideSession({ baseURL: API, transport, ...options }), SessionDashboardService],
  });
  return TestBed.inject(SessionDashboardService);
}

const echo = (args: Record<string, string>): Echo => ({ args, url: 'https://api.test/' });
const PROFILE = '/anything/profile?name=Ada';
const STATS = '/status/503';
const NOTICES = '/delay/0.3?text=Welcome';

describe('SessionDashboardService.dashboard(): gather over a record, in virtual time', () => {
  // Each widget's reply is a cold Observable (one frame = 1 ms): `--p|` answers at 2 ms.
  // The dashboard emits once, when the slowest widget settles; a failed widget's slot
  // holds its error. expectSubscriptions shows when each request was sent (^) and when
  // it ended or was aborted (!).

  it('emits the page when the slowest widget answers; a failed one holds its NetworkError', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      const routes = {
        [PROFILE]: cold('--p|', { p: { data: echo({ name: 'Ada' }) } }),
        [STATS]: cold('----s|', { s: { data: echo({}) } }),
        [NOTICES]: cold<FakeResponse>('-#', undefined, reset),
      };
      const service = serviceWith(routes);
      expectObservable(service.dashboard()).toBe('-----(d|)', {
        d: {
          profile: echo({ name: 'Ada' }),
          stats: echo({}),
          notices: new NetworkError('GET', `${API}${NOTICES}`, reset),
        },
      });
      expectSubscriptions(routes[PROFILE].subscriptions).toBe('^--!');
      expectSubscriptions(routes[STATS].subscriptions).toBe('^----!');
      expectSubscriptions(routes[NOTICES].subscriptions).toBe('^!');
    });
  });

  it('puts a 503 in its slot as HttpStatusError under raiseForStatus', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const routes = {
        [PROFILE]: cold('-p|', { p: { data: echo({ name: 'Ada' }) } }),
        [STATS]: cold('-s|', { s: { status: 503 } }),
        [NOTICES]: cold('--n|', { n: { data: echo({ text: 'Welcome' }) } }),
      };
      const service = serviceWith(routes, { raiseForStatus: true });
      const unavailable = new HttpStatusError('GET', {
        url: `${API}${STATS}`,
        status: 503,
        statusText: 'Service Unavailable',
        headers: {},
        data: '',
      });
      expectObservable(service.dashboard()).toBe('---(d|)', {
        d: {
          profile: echo({ name: 'Ada' }),
          stats: unavailable,
          notices: echo({ text: 'Welcome' }),
        },
      });
    });
  });

  it("times a slow widget out at the session's timeout (50 virtual ms) and aborts its request", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const routes = {
        [PROFILE]: cold('--p|', { p: { data: echo({ name: 'Ada' }) } }),
        [STATS]: cold('100ms s|', { s: { data: echo({}) } }),
        [NOTICES]: cold('---n|', { n: { data: echo({ text: 'Welcome' }) } }),
      };
      const service = serviceWith(routes, { timeout: 50 });
      const timedOut = Object.assign(new TimeoutError(), {
        message: `GET ${API}${STATS} timed out after 50 ms`,
      });
      expectObservable(service.dashboard()).toBe('50ms (d|)', {
        d: { profile: echo({ name: 'Ada' }), stats: timedOut, notices: echo({ text: 'Welcome' }) },
      });
      expectSubscriptions(routes[STATS].subscriptions).toBe('^ 49ms !');
    });
  });

  it('cancels the requests in flight when the injector (and so the session) is destroyed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const routes = {
        [PROFILE]: cold('-p|', { p: { data: echo({ name: 'Ada' }) } }),
        [STATS]: cold('-----s|', { s: { data: echo({}) } }),
        [NOTICES]: cold('------n|', { n: { data: echo({ text: 'Welcome' }) } }),
      };
      const service = serviceWith(routes);
      cold('---x').subscribe(() => TestBed.resetTestingModule()); // the app torn down at 3 ms
      const closed = (path: string): CancelledError =>
        new CancelledError(`GET ${API}${path} was cancelled: the session was closed`);
      expectObservable(service.dashboard()).toBe('---(d|)', {
        d: { profile: echo({ name: 'Ada' }), stats: closed(STATS), notices: closed(NOTICES) },
      });
      expectSubscriptions(routes[STATS].subscriptions).toBe('^--!');
    });
  });
});

describe('SessionDashboardService.race() and searchAny(): racing the mirrors', () => {
  // The three mirrors are asked at frame 0; the losers' subscriptions end at the frame
  // the winner ends: cancelling a pending Task unsubscribes, and aborts, its request.

  const path = (mirror: string, seconds: number): string =>
    `/delay/${seconds}?mirror=${mirror}&q=rxjs`;

  function raceService(eu: Reply, us: Reply, ap: Reply): SessionDashboardService {
    return serviceWith(
      { [path('eu', 0.3)]: eu, [path('us', 3)]: us, [path('ap', 5)]: ap },
      { raiseForStatus: true },
    );
  }

  it('race(): the first mirror to answer wins; the others are aborted at that frame', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const eu = cold('----e|', { e: { data: echo({ mirror: 'eu' }) } });
      const us = cold('-u|', { u: { data: echo({ mirror: 'us' }) } });
      const ap = cold('------a|', { a: { data: echo({ mirror: 'ap' }) } });
      expectObservable(raceService(eu, us, ap).race('rxjs')).toBe('--(r|)', {
        r: { winner: echo({ mirror: 'us' }), cancelled: 2 },
      });
      expectSubscriptions(eu.subscriptions).toBe('^-!');
      expectSubscriptions(ap.subscriptions).toBe('^-!');
    });
  });

  it('searchAny(): the failed mirror (503) is skipped; the first success wins; the last is aborted', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const eu = cold('-e|', { e: { status: 503 } });
      const us = cold('---u|', { u: { data: echo({ mirror: 'us' }) } });
      const ap = cold('------a|', { a: { data: echo({ mirror: 'ap' }) } });
      expectObservable(raceService(eu, us, ap).searchAny('rxjs')).toBe('----(r|)', {
        r: echo({ mirror: 'us' }),
      });
      expectSubscriptions(eu.subscriptions).toBe('^!');
      expectSubscriptions(ap.subscriptions).toBe('^---!');
    });
  });
});

describe('SessionDashboardService.users() and batch(): at most 4 at once', () => {
  // Each request answers 2 ms after it is asked (`--u|`). expectSubscriptions shows the
  // cap: the first four start at frame 0; the next ones at frame 3, when a slot frees.

  it('users(): gather({ concurrency: 4 }) sends at most 4 requests at once, results in the order asked', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const ids = [1, 2, 3, 4, 5, 6];
      const replies = ids.map((id) => cold('--u|', { u: { data: echo({ id: String(id) }) } }));
      const service = serviceWith(
        Object.fromEntries(ids.map((id, i) => [`/anything/users/${id}`, replies[i]!])),
      );
      expectObservable(service.users(ids)).toBe('------(r|)', {
        r: ids.map((id) => echo({ id: String(id) })),
      });
      const subscriptions = ['^--!   ', '^--!   ', '^--!   ', '^--!   ', '---^--!', '---^--!'];
      replies.forEach((reply, i) =>
        expectSubscriptions(reply.subscriptions).toBe(subscriptions[i]!),
      );
    });
  });

  it("batch(): the service's Semaphore(4) holds the downloads to 4, and the batch reports that peak", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const ids = [1, 2, 3, 4, 5];
      const replies = ids.map(() => cold('--t|', { t: { data: '' } }));
      const service = serviceWith(
        Object.fromEntries(ids.map((id, i) => [`/delay/0.3?thumbnail=${id}`, replies[i]!])),
      );
      expectObservable(service.batch(ids)).toBe('------(b|)', {
        b: { items: ['#1', '#2', '#3', '#4', '#5'], peak: 4 },
      });
      expectSubscriptions(replies[3]!.subscriptions).toBe('^--!');
      expectSubscriptions(replies[4]!.subscriptions).toBe('---^--!');
    });
  });
});
