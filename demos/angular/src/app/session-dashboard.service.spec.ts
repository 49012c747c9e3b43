import { TestBed } from '@angular/core/testing';
import { TimeoutError } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { RunHelpers } from 'rxjs/testing';
import { CancelledError, HttpStatusError, NetworkError } from 'rxjs-asyncio/http';
import type { HttpRequest, SessionOptions } from 'rxjs-asyncio/http';
import { fakeTransport } from 'rxjs-asyncio/testing';
import type { FakeResponse } from 'rxjs-asyncio/testing';
import { provideApiSession } from './api-session';
import type { Dashboard } from './models';
import { MIRRORS } from './models';
import { SessionDashboardService } from './session-dashboard.service';

const API = 'https://api.test';

/** Errors compared by class and message (toEqual on two errors compares little else). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Error) return { class: value.constructor.name, message: value.message };
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(plain(actual)).toEqual(plain(expected)));
}

/** A cold marble Observable of responses, with the subscription log expectSubscriptions reads. */
type Reply = ReturnType<RunHelpers['cold']> & Observable<FakeResponse>;

/**
 * The service under test, on a session whose transport answers each request with the
 * cold Observable `routes` gives for its URL (without API and the query string). Call
 * inside `TestScheduler.run()`: the session is created when the service is injected, so
 * its timeouts run in virtual time.
 */
function serviceWith(routes: Record<string, Reply>, options: SessionOptions = {}): SessionDashboardService {
  const transport = fakeTransport((request: HttpRequest) => {
    const path = request.url.replace(API, '').replace(/\?.*$/, '');
    const reply = routes[path];
    if (!reply) throw new Error(`no route for ${request.url}`);
    return reply;
  });
  TestBed.configureTestingModule({ providers: [provideApiSession({ baseURL: API, transport, ...options })] });
  return TestBed.inject(SessionDashboardService);
}

const profile = { id: 7, name: 'Ada' };
const stats = { visits: 120, signups: 4 };
const notices = [{ id: 1, text: 'Welcome' }];
const timeoutError = (message: string): TimeoutError => Object.assign(new TimeoutError(), { message });

describe('SessionDashboardService.dashboard(): gather over a record, in virtual time', () => {
  // Each widget's reply is a cold Observable (one frame = 1 ms): `--p|` answers at 2 ms.
  // The dashboard emits once, when the slowest widget settles; a failed widget's slot
  // holds its error. expectSubscriptions shows when each request was sent (^) and when
  // it ended or was aborted (!): all three at once, the timed-out one aborted at its
  // deadline, all of them when the page is left early.

  it('emits the page when the slowest widget answers; a failed one holds its NetworkError', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      const routes = {
        '/api/profile': cold('--p|', { p: { data: profile } }),
        '/api/stats': cold('----s|', { s: { data: stats } }),
        '/api/notices': cold<FakeResponse>('-#', undefined, reset),
      };
      const service = serviceWith(routes);
      // prettier-ignore
      expectObservable(service.dashboard()).toBe('-----(d|)', {
        d: { profile, stats, notices: new NetworkError('GET', `${API}/api/notices`, reset) },
      });
      expectSubscriptions(routes['/api/profile'].subscriptions).toBe('^--!');
      expectSubscriptions(routes['/api/stats'].subscriptions).toBe('^----!');
      expectSubscriptions(routes['/api/notices'].subscriptions).toBe('^!');
    });
  });

  it("times a slow widget out at the session's timeout (50 virtual ms) and aborts its request", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const routes = {
        '/api/profile': cold('--p|', { p: { data: profile } }),
        '/api/stats': cold('100ms s|', { s: { data: stats } }),
        '/api/notices': cold('---n|', { n: { data: notices } }),
      };
      const service = serviceWith(routes, { timeout: 50 });
      // prettier-ignore
      expectObservable(service.dashboard()).toBe('50ms (d|)', {
        d: { profile, stats: timeoutError(`GET ${API}/api/stats timed out after 50 ms`), notices },
      });
      expectSubscriptions(routes['/api/stats'].subscriptions).toBe('^ 49ms !');
    });
  });

  it("puts rxjs's own TimeoutError in the slot: the library and the app share one rxjs", () => {
    let page: Dashboard | undefined;
    testScheduler().run(({ cold }) => {
      const service = serviceWith(
        {
          '/api/profile': cold('-p|', { p: { data: profile } }),
          '/api/stats': cold('100ms s|', { s: { data: stats } }),
          '/api/notices': cold('-n|', { n: { data: notices } }),
        },
        { timeout: 50 },
      );
      service.dashboard().subscribe((value) => (page = value));
    }); // run() flushes virtual time when its callback returns
    expect(page?.stats).toBeInstanceOf(TimeoutError);
  });

  it('aborts every request when the page is left before it is ready', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const routes = {
        '/api/profile': cold('--p|', { p: { data: profile } }),
        '/api/stats': cold('-----s|', { s: { data: stats } }),
        '/api/notices': cold('------n|', { n: { data: notices } }),
      };
      const service = serviceWith(routes);
      // prettier-ignore
      expectObservable(service.dashboard(), '^---!').toBe('-----');
      expectSubscriptions(routes['/api/profile'].subscriptions).toBe('^--!');
      expectSubscriptions(routes['/api/stats'].subscriptions).toBe('^---!');
      expectSubscriptions(routes['/api/notices'].subscriptions).toBe('^---!');
    });
  });

  it('cancels the requests in flight when the injector (and so the session) is destroyed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const routes = {
        '/api/profile': cold('-p|', { p: { data: profile } }),
        '/api/stats': cold('-----s|', { s: { data: stats } }),
        '/api/notices': cold('------n|', { n: { data: notices } }),
      };
      const service = serviceWith(routes);
      cold('---x').subscribe(() => TestBed.resetTestingModule()); // e.g. the app is torn down at 3 ms
      const closed = (path: string) => new CancelledError(`GET ${API}${path} was cancelled: the session was closed`);
      // prettier-ignore
      expectObservable(service.dashboard()).toBe('---(d|)', {
        d: { profile, stats: closed('/api/stats'), notices: closed('/api/notices') },
      });
      expectSubscriptions(routes['/api/stats'].subscriptions).toBe('^--!');
    });
  });
});

describe('SessionDashboardService.search() and searchAny(): racing the mirrors', () => {
  // The three mirrors are asked at frame 0. search() (wait FIRST_COMPLETED) ends with
  // the first mirror to finish, error or not; searchAny() (asCompleted, returnExceptions)
  // skips errors and ends with the first success. The losers' subscriptions end at that
  // very frame: cancelling a pending Task unsubscribes, and aborts, its request.

  /** The service, with the mirrors' replies in MIRRORS order (eu, us, ap), failing on a status >= 400. */
  function raceService(replies: [Reply, Reply, Reply]): SessionDashboardService {
    const routes = Object.fromEntries(MIRRORS.map((mirror, i) => [`${mirror}/search`, replies[i]]));
    return serviceWith(routes, { raiseForStatus: true });
  }
  const result = (index: number) => ({ mirror: MIRRORS[index], hits: ['rxjs'] });

  it('search(): the first mirror to answer wins; the others are aborted at that frame', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const eu = cold('----e|', { e: { data: result(0) } });
      const us = cold('-u|', { u: { data: result(1) } });
      const ap = cold('------a|', { a: { data: result(2) } });
      const service = raceService([eu, us, ap]);
      // prettier-ignore
      expectObservable(service.search('rxjs')).toBe('--(r|)', { r: result(1) });
      expectSubscriptions(eu.subscriptions).toBe('^-!');
      expectSubscriptions(us.subscriptions).toBe('^-!');
      expectSubscriptions(ap.subscriptions).toBe('^-!');
    });
  });

  it('search(): a first answer that is an error (503 under raiseForStatus) wins, and fails the search', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const eu = cold('-e|', { e: { status: 503 } });
      const us = cold('---u|', { u: { data: result(1) } });
      const ap = cold('-----a|', { a: { data: result(2) } });
      const service = raceService([eu, us, ap]);
      const unavailable = new HttpStatusError('GET', {
        url: `${MIRRORS[0]}/search?q=rxjs`,
        status: 503,
        statusText: 'Service Unavailable',
        headers: {},
        data: '',
      });
      // prettier-ignore
      expectObservable(service.search('rxjs')).toBe('-#', undefined, unavailable);
      expectSubscriptions(us.subscriptions).toBe('^!');
      expectSubscriptions(ap.subscriptions).toBe('^!');
    });
  });

  it('searchAny(): the failed mirror is skipped; the first success wins; the last is aborted', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const eu = cold('-e|', { e: { status: 503 } });
      const us = cold('---u|', { u: { data: result(1) } });
      const ap = cold('------a|', { a: { data: result(2) } });
      const service = raceService([eu, us, ap]);
      // prettier-ignore
      expectObservable(service.searchAny('rxjs')).toBe('----(r|)', { r: result(1) });
      expectSubscriptions(eu.subscriptions).toBe('^!'); // raiseForStatus fails it on the 503 response
      expectSubscriptions(us.subscriptions).toBe('^---!');
      expectSubscriptions(ap.subscriptions).toBe('^---!');
    });
  });
});

describe('SessionDashboardService.users(): a batch with gather({ concurrency: 3 })', () => {
  // Five users, each answering 2 ms after it is asked (`--u|`). expectSubscriptions
  // shows the cap: requests 1-3 start at frame 0; 4 and 5 start at frame 3, when the
  // first three have completed. The result comes at frame 6, in the order asked.

  it('sends at most 3 requests at once and emits the users in the order asked', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const ids = [1, 2, 3, 4, 5];
      const replies = ids.map((id) => cold('--u|', { u: { data: { id, name: `user ${id}` } } }));
      const service = serviceWith(Object.fromEntries(ids.map((id, i) => [`/api/users/${id}`, replies[i]])));
      // prettier-ignore
      expectObservable(service.users(ids)).toBe('------(r|)', { r: ids.map((id) => ({ id, name: `user ${id}` })) });
      // prettier-ignore
      const subscriptions = [
        '^--!   ',
        '^--!   ',
        '^--!   ',
        '---^--!',
        '---^--!',
      ];
      replies.forEach((reply, i) => expectSubscriptions(reply.subscriptions).toBe(subscriptions[i]));
    });
  });
});
