import { HttpErrorResponse, provideHttpClient } from '@angular/common/http';
import type { HttpRequest } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { TimeoutError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { DashboardService, WIDGET_TIMEOUT_MS } from './dashboard.service';
import { failed } from './failures';
import { MIRRORS } from './models';
import type { Dashboard, SearchResult, User } from './models';

/** A network failure, as the browser reports it (ProgressEvent is a DOM class Node lacks). */
const networkDown = (): ProgressEvent => Object.assign(new Event('error'), { loaded: 0, total: 0, lengthComputable: false }) as ProgressEvent;

const profile = { id: 7, name: 'Ada' };
const stats = { visits: 120, signups: 4 };
const notices = [{ id: 1, text: 'Welcome' }];

let service: DashboardService;
let httpMock: HttpTestingController;

beforeEach(() => {
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
  service = TestBed.inject(DashboardService);
  httpMock = TestBed.inject(HttpTestingController);
});

// No request left unanswered or unexamined (cancelled ones included).
afterEach(() => httpMock.verify());

describe('dashboard(): gather over a record, with returnExceptions', () => {
  // The three widget requests go out at once: expectOne finds each of them before any
  // is answered. The page is emitted once, after the last one settles, as a record
  // keyed like the input; a widget that failed (HTTP error, network error, or no
  // answer within WIDGET_TIMEOUT_MS) holds its error, and the others still show.

  it('asks for every widget at once and emits the page when the last one answers', () => {
    let page: Dashboard | undefined;
    service.dashboard().subscribe((value) => (page = value));

    const requests = ['/api/profile', '/api/stats', '/api/notices'].map((url) => httpMock.expectOne(url));
    requests[2].flush(notices);
    requests[0].flush(profile);
    expect(page).toBeUndefined(); // stats is still open
    requests[1].flush(stats);

    expect(page).toEqual({ profile, stats, notices });
  });

  it('keeps the page when widgets fail: their slots hold the HttpErrorResponse', () => {
    let page: Dashboard | undefined;
    service.dashboard().subscribe((value) => (page = value));

    httpMock.expectOne('/api/profile').flush(profile);
    httpMock.expectOne('/api/stats').flush('database down', { status: 500, statusText: 'Internal Server Error' });
    httpMock.expectOne('/api/notices').error(networkDown());

    expect(page?.profile).toEqual(profile);
    expect(page?.stats).toBeInstanceOf(HttpErrorResponse);
    expect(page?.stats).toMatchObject({ status: 500, error: 'database down' });
    expect(page?.notices).toMatchObject({ status: 0, name: 'HttpErrorResponse' });
    expect([page?.profile, page?.stats, page?.notices].map(failed)).toEqual([false, true, true]);
  });

  it('gives up on a slow widget after WIDGET_TIMEOUT_MS (virtual time) and cancels its request', () => {
    // waitFor's timer runs on rxjs's asyncScheduler, so inside TestScheduler.run()
    // 2000 ms pass in no time; HttpTestingController answers at virtual frame 0.
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ flush }) => {
      let page: Dashboard | undefined;
      let at: number | undefined;
      service.dashboard().subscribe((value) => {
        page = value;
        at = scheduler.now();
      });
      httpMock.expectOne('/api/profile').flush(profile);
      httpMock.expectOne('/api/notices').flush(notices);
      const slow = httpMock.expectOne('/api/stats');

      expect(page).toBeUndefined();
      expect(slow.cancelled).toBe(false);

      flush(); // runs virtual time up to the widget deadline

      expect(at).toBe(WIDGET_TIMEOUT_MS); // 2000 virtual ms
      expect(page?.profile).toEqual(profile);
      expect(page?.notices).toEqual(notices);
      expect(page?.stats).toBeInstanceOf(TimeoutError); // rxjs's own class, through the library
      expect(slow.cancelled).toBe(true); // never answered, aborted at the deadline
    });
  });

  it('cancels every widget request when the page unsubscribes (component destroyed)', () => {
    const subscription = service.dashboard().subscribe();
    httpMock.expectOne('/api/profile').flush(profile);
    const open = ['/api/stats', '/api/notices'].map((url) => httpMock.expectOne(url));
    expect(open.map((req) => req.cancelled)).toEqual([false, false]);

    subscription.unsubscribe();

    expect(open.map((req) => req.cancelled)).toEqual([true, true]);
  });
});

describe('search() and searchAny(): racing the mirrors', () => {
  // The same search goes to every mirror at once (match() finds the three requests).
  // search() is wait(FIRST_COMPLETED): the first answer wins, even an error, and the
  // pending tasks are cancelled. searchAny() is asCompleted with returnExceptions:
  // errors are skipped, the first success wins. Either way the losers' TestRequests
  // turn `cancelled` without ever being answered: HttpClient aborted them when they
  // were unsubscribed, and flushing one now throws. (HttpClientTestingBackend sets
  // `cancelled` in the request's teardown, which also runs after an answer, so only a
  // request never answered proves a cancellation.)

  const bySearch = (req: HttpRequest<unknown>): boolean => req.url.endsWith('/search');
  const mirrorOf = (req: TestRequest): string => req.request.url.replace('/search', '');
  const hits = (mirror: string): SearchResult => ({ mirror, hits: ['rxjs', 'asyncio'] });

  /** The three mirror requests, keyed by mirror. */
  function mirrorRequests(): Record<'eu' | 'us' | 'ap', TestRequest> {
    const requests = httpMock.match(bySearch);
    expect(requests.map(mirrorOf)).toEqual([...MIRRORS]);
    expect(requests.map((req) => req.request.params.get('q'))).toEqual(['rxjs', 'rxjs', 'rxjs']);
    const [eu, us, ap] = requests;
    return { eu, us, ap };
  }

  it('search(): the first mirror to answer wins, and the other two requests are cancelled', () => {
    let result: SearchResult | undefined;
    service.search('rxjs').subscribe((value) => (result = value));
    const { eu, us, ap } = mirrorRequests();
    expect([eu.cancelled, ap.cancelled]).toEqual([false, false]);

    us.flush(hits(MIRRORS[1]));

    expect(result).toEqual(hits(MIRRORS[1]));
    expect([eu.cancelled, ap.cancelled]).toEqual([true, true]);
    expect(() => eu.flush(hits(MIRRORS[0]))).toThrow('Cannot flush a cancelled request.');
  });

  it('search(): a first answer that is an error wins too (FIRST_COMPLETED), and fails the search', () => {
    let error: unknown;
    service.search('rxjs').subscribe({ error: (err: unknown) => (error = err) });
    const { eu, us, ap } = mirrorRequests();

    eu.flush(null, { status: 503, statusText: 'Service Unavailable' });

    expect(error).toBeInstanceOf(HttpErrorResponse);
    expect(error).toMatchObject({ status: 503, url: `${MIRRORS[0]}/search?q=rxjs` });
    expect([us.cancelled, ap.cancelled]).toEqual([true, true]);
  });

  it('searchAny(): a failed mirror is skipped, the first success wins, the last one is cancelled', () => {
    let result: SearchResult | undefined;
    service.searchAny('rxjs').subscribe((value) => (result = value));
    const { eu, us, ap } = mirrorRequests();

    eu.flush(null, { status: 503, statusText: 'Service Unavailable' });
    expect(result).toBeUndefined();
    expect([us.cancelled, ap.cancelled]).toEqual([false, false]); // still racing
    ap.flush(hits(MIRRORS[2]));

    expect(result).toEqual(hits(MIRRORS[2]));
    expect(us.cancelled).toBe(true);
  });

  it('searchAny(): fails with an AggregateError once every mirror has failed', () => {
    let error: unknown;
    service.searchAny('rxjs').subscribe({ error: (err: unknown) => (error = err) });
    const { eu, us, ap } = mirrorRequests();

    us.error(networkDown());
    ap.flush(null, { status: 502, statusText: 'Bad Gateway' });
    eu.flush(null, { status: 503, statusText: 'Service Unavailable' });

    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).message).toBe('search "rxjs": every input failed');
    expect((error as AggregateError).errors.map((err: HttpErrorResponse) => err.status)).toEqual([0, 502, 503]);
  });
});

describe('users(): a batch with gather({ concurrency: 3 })', () => {
  // Seven users are asked for, but only three requests are ever open at once. match()
  // returns the requests made since the last match(), so after flushing one request a
  // match() shows the single request that took its place. The requests are answered
  // newest first, yet the result is in the order asked.

  const byUser = (req: HttpRequest<unknown>): boolean => req.url.startsWith('/api/users/');
  const idOf = (req: TestRequest): number => Number(req.request.url.split('/').pop());
  const user = (id: number): User => ({ id, name: `user ${id}` });

  it('keeps at most 3 requests open, starts the next one as one finishes, and keeps the order asked', () => {
    const ids = [1, 2, 3, 4, 5, 6, 7];
    let users: User[] | undefined;
    service.users(ids).subscribe((value) => (users = value));

    const open = httpMock.match(byUser);
    const started = open.map(idOf);
    expect(started).toEqual([1, 2, 3]);
    const openAfterEachAnswer: number[] = [];
    while (open.length > 0) {
      const newest = open.pop()!;
      newest.flush(user(idOf(newest)));
      const next = httpMock.match(byUser);
      expect(next.length).toBeLessThanOrEqual(1);
      open.push(...next);
      started.push(...next.map(idOf));
      openAfterEachAnswer.push(open.length);
      if (open.length > 0) expect(users).toBeUndefined();
    }

    expect(openAfterEachAnswer).toEqual([3, 3, 3, 3, 2, 1, 0]);
    expect(started).toEqual(ids); // started in the order asked
    expect(users).toEqual(ids.map(user)); // answered 3,4,5,6,7,2,1 but delivered in order
  });

  it('fails on the first error: the open requests are cancelled and the rest never sent', () => {
    let error: unknown;
    service.users([1, 2, 3, 4, 5]).subscribe({ error: (err: unknown) => (error = err) });
    const [first, second, third] = httpMock.match(byUser);

    second.flush(null, { status: 404, statusText: 'Not Found' });

    expect(error).toMatchObject({ status: 404, url: '/api/users/2' });
    expect([first.cancelled, third.cancelled]).toEqual([true, true]);
    httpMock.expectNone(byUser); // 4 and 5 were never requested
  });
});

describe('thumbnails(): one Semaphore(3) shared by every caller', () => {
  // Two callers (say, two components) ask for 2 and 3 thumbnails at once: 5 downloads,
  // but the service's one semaphore lets only 3 run. The others wait their turn, first
  // come first served, and each answer lets exactly one more start.

  const byThumbnail = (req: HttpRequest<unknown>): boolean => req.url.startsWith('/api/thumbnails/');
  const urls = (requests: TestRequest[]): string[] => requests.map((req) => req.request.url);

  it('never has more than 3 downloads open across both callers', () => {
    let first: string[] | undefined;
    let second: string[] | undefined;
    service.thumbnails([1, 2]).subscribe((value) => (first = value));
    service.thumbnails([3, 4, 5]).subscribe((value) => (second = value));

    const [t1, t2, t3] = httpMock.match(byThumbnail);
    expect(urls([t1, t2, t3])).toEqual(['/api/thumbnails/1', '/api/thumbnails/2', '/api/thumbnails/3']);

    t2.flush('<svg 2>');
    const [t4] = httpMock.match(byThumbnail); // 2's permit went to 4
    expect(urls([t4])).toEqual(['/api/thumbnails/4']);
    t1.flush('<svg 1>');
    expect(first).toEqual(['<svg 1>', '<svg 2>']);
    const [t5] = httpMock.match(byThumbnail);
    expect(urls([t5])).toEqual(['/api/thumbnails/5']);

    [t3, t4, t5].forEach((req, i) => req.flush(`<svg ${i + 3}>`));
    expect(second).toEqual(['<svg 3>', '<svg 4>', '<svg 5>']);
    httpMock.expectNone(byThumbnail);
  });
});
