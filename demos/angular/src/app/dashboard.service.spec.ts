import { HttpErrorResponse, provideHttpClient } from '@angular/common/http';
import type { HttpRequest } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { TimeoutError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { DashboardService, WIDGET_TIMEOUT_MS } from './dashboard.service';
import { failed } from './failures';
import { BATCH_CONCURRENCY, FEED, MIRRORS } from './models';
import type { Batch, Dashboard, Echo, FeedItem, Race } from './models';

/** A network failure, as the browser reports it to HttpClient. */
const networkDown = (): ProgressEvent => new ProgressEvent('error');

/** What httpbin echoes for a request with these query arguments. */
const echo = (args: Record<string, string>): Echo => ({ args, url: 'http://httpbin.test/' });

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

  const PROFILE = '/api/anything/profile?name=Ada';
  const STATS = '/api/status/503';
  const NOTICES = '/api/delay/0.3?text=Welcome';

  it('asks for every widget at once and emits the page when the last one answers', () => {
    let page: Dashboard | undefined;
    service.dashboard().subscribe((value) => (page = value));

    const [profile, stats, notices] = [PROFILE, STATS, NOTICES].map((url) =>
      httpMock.expectOne(url),
    );
    notices.flush(echo({ text: 'Welcome' }));
    profile.flush(echo({ name: 'Ada' }));
    expect(page).toBeUndefined(); // stats is still open
    stats.flush(echo({}));

    expect(page).toEqual({
      profile: echo({ name: 'Ada' }),
      stats: echo({}),
      notices: echo({ text: 'Welcome' }),
    });
  });

  it('keeps the page when widgets fail: their slots hold the HttpErrorResponse', () => {
    let page: Dashboard | undefined;
    service.dashboard().subscribe((value) => (page = value));

    httpMock.expectOne(PROFILE).flush(echo({ name: 'Ada' }));
    httpMock.expectOne(STATS).flush('', { status: 503, statusText: 'Service Unavailable' });
    httpMock.expectOne(NOTICES).error(networkDown());

    expect(page?.profile).toEqual(echo({ name: 'Ada' }));
    expect(page?.stats).toBeInstanceOf(HttpErrorResponse);
    expect(page?.stats).toMatchObject({ status: 503 });
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
      httpMock.expectOne(PROFILE).flush(echo({ name: 'Ada' }));
      httpMock.expectOne(NOTICES).flush(echo({ text: 'Welcome' }));
      const slow = httpMock.expectOne(STATS);

      expect(page).toBeUndefined();
      expect(slow.cancelled).toBe(false);

      flush(); // runs virtual time up to the widget deadline

      expect(at).toBe(WIDGET_TIMEOUT_MS);
      expect(page?.profile).toEqual(echo({ name: 'Ada' }));
      expect(page?.stats).toBeInstanceOf(TimeoutError); // rxjs's own class, through the library
      expect(slow.cancelled).toBe(true); // never answered, aborted at the deadline
    });
  });

  it('cancels every widget request when the page unsubscribes (component destroyed)', () => {
    const subscription = service.dashboard().subscribe();
    httpMock.expectOne(PROFILE).flush(echo({ name: 'Ada' }));
    const open = [STATS, NOTICES].map((url) => httpMock.expectOne(url));
    expect(open.map((req) => req.cancelled)).toEqual([false, false]);

    subscription.unsubscribe();

    expect(open.map((req) => req.cancelled)).toEqual([true, true]);
  });
});

describe('feed(): asCompleted', () => {
  // The three sources are asked at once; each result is emitted as its request is
  // answered, in the order answered, and the feed completes after the last one.

  it('emits each result as it arrives, in the order answered', () => {
    const items: FeedItem[] = [];
    let completed = false;
    service
      .feed()
      .subscribe({ next: (item) => items.push(item), complete: () => (completed = true) });
    const requests = httpMock.match((req) => req.url.startsWith('/api/delay/'));
    expect(requests.map((req) => req.request.params.get('name'))).toEqual(
      FEED.map((source) => source.name),
    );

    const [slow, medium, fast] = requests;
    fast.flush(echo({ name: 'fast' }));
    expect(items.map((item) => item.name)).toEqual(['fast']); // shown before the others answer
    medium.flush(echo({ name: 'medium' }));
    expect(completed).toBe(false);
    slow.flush(echo({ name: 'slow' }));

    expect(items.map((item) => item.name)).toEqual(['fast', 'medium', 'slow']);
    expect(completed).toBe(true);
  });
});

describe('race(), search() and searchAny(): racing the mirrors', () => {
  // The same search goes to every mirror at once (match() finds the three requests).
  // race() and search() are wait(FIRST_COMPLETED): the first answer wins, even an
  // error, and the pending tasks are cancelled. searchAny() is asCompleted with
  // returnExceptions: errors are skipped, the first success wins. Either way the
  // losers' TestRequests turn `cancelled` without ever being answered: HttpClient
  // aborted them when they were unsubscribed, and flushing one now throws.
  // (HttpClientTestingBackend sets `cancelled` in the request's teardown, which also
  // runs after an answer, so only a request never answered proves a cancellation.)

  const byMirror = (req: HttpRequest<unknown>): boolean => req.params.has('mirror');
  const hits = (mirror: string): Echo => echo({ mirror, q: 'rxjs' });

  /** The three mirror requests, in MIRRORS order. */
  function mirrorRequests(): [TestRequest, TestRequest, TestRequest] {
    const requests = httpMock.match(byMirror);
    expect(requests.map((req) => req.request.params.get('mirror'))).toEqual(
      MIRRORS.map((m) => m.name),
    );
    expect(requests.map((req) => req.request.params.get('q'))).toEqual(['rxjs', 'rxjs', 'rxjs']);
    const [eu, us, ap] = requests;
    return [eu, us, ap];
  }

  it('race(): the first mirror to answer wins, and the other two requests are cancelled', () => {
    let race: Race<Echo> | undefined;
    service.race('rxjs').subscribe((value) => (race = value));
    const [eu, us, ap] = mirrorRequests();
    expect([eu.cancelled, ap.cancelled]).toEqual([false, false]);

    us.flush(hits('us'));

    expect(race).toEqual({ winner: hits('us'), cancelled: 2 });
    expect([eu.cancelled, ap.cancelled]).toEqual([true, true]);
    expect(() => eu.flush(hits('eu'))).toThrow('Cannot flush a cancelled request.');
  });

  it('search(): a first answer that is an error wins too (FIRST_COMPLETED), and fails the search', () => {
    let error: unknown;
    service.search('rxjs').subscribe({ error: (err: unknown) => (error = err) });
    const [eu, us, ap] = mirrorRequests();

    eu.flush(null, { status: 503, statusText: 'Service Unavailable' });

    expect(error).toBeInstanceOf(HttpErrorResponse);
    expect(error).toMatchObject({ status: 503 });
    expect([us.cancelled, ap.cancelled]).toEqual([true, true]);
  });

  it('searchAny(): a failed mirror is skipped, the first success wins, the last one is cancelled', () => {
    let result: Echo | undefined;
    service.searchAny('rxjs').subscribe((value) => (result = value));
    const [eu, us, ap] = mirrorRequests();

    eu.flush(null, { status: 503, statusText: 'Service Unavailable' });
    expect(result).toBeUndefined();
    expect([us.cancelled, ap.cancelled]).toEqual([false, false]); // still racing
    ap.flush(hits('ap'));

    expect(result).toEqual(hits('ap'));
    expect(us.cancelled).toBe(true);
  });

  it('searchAny(): fails with an AggregateError once every mirror has failed', () => {
    let error: unknown;
    service.searchAny('rxjs').subscribe({ error: (err: unknown) => (error = err) });
    const [eu, us, ap] = mirrorRequests();

    us.error(networkDown());
    ap.flush(null, { status: 502, statusText: 'Bad Gateway' });
    eu.flush(null, { status: 503, statusText: 'Service Unavailable' });

    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).message).toBe('search "rxjs": every input failed');
    expect((error as AggregateError).errors.map((err: HttpErrorResponse) => err.status)).toEqual([
      0, 502, 503,
    ]);
  });
});

describe(`users(): a batch with gather({ concurrency: ${BATCH_CONCURRENCY} })`, () => {
  // Nine users are asked for, but only four requests are ever open at once. match()
  // returns the requests made since the last match(), so after flushing one request a
  // match() shows the single request that took its place. The requests are answered
  // newest first, yet the result is in the order asked.

  const byUser = (req: HttpRequest<unknown>): boolean => req.url.startsWith('/api/anything/users/');
  const idOf = (req: TestRequest): number => Number(req.request.url.split('/').pop());
  const user = (id: number): Echo => ({
    args: {},
    url: `http://httpbin.test/anything/users/${id}`,
  });

  it('keeps at most 4 requests open, starts the next one as one finishes, and keeps the order asked', () => {
    const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    let users: Echo[] | undefined;
    service.users(ids).subscribe((value) => (users = value));

    const open = httpMock.match(byUser);
    const started = open.map(idOf);
    expect(started).toEqual([1, 2, 3, 4]);
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

    expect(openAfterEachAnswer).toEqual([4, 4, 4, 4, 4, 3, 2, 1, 0]);
    expect(started).toEqual(ids); // started in the order asked
    expect(users).toEqual(ids.map(user)); // answered out of order, delivered in order
  });

  it('fails on the first error: the open requests are cancelled and the rest never sent', () => {
    let error: unknown;
    service.users([1, 2, 3, 4, 5, 6]).subscribe({ error: (err: unknown) => (error = err) });
    const [first, second, third, fourth] = httpMock.match(byUser);

    second.flush(null, { status: 404, statusText: 'Not Found' });

    expect(error).toMatchObject({ status: 404, url: '/api/anything/users/2' });
    expect([first.cancelled, third.cancelled, fourth.cancelled]).toEqual([true, true, true]);
    httpMock.expectNone(byUser); // 5 and 6 were never requested
  });
});

describe(`thumbnails() and batch(): one Semaphore(${BATCH_CONCURRENCY}) shared by every caller`, () => {
  // Two callers ask for 2 and 4 thumbnails at once: 6 downloads, but the service's one
  // semaphore lets only 4 run. The others wait their turn, first come first served,
  // and each answer lets exactly one more start.

  const byThumbnail = (req: HttpRequest<unknown>): boolean => req.params.has('thumbnail');
  const ids = (requests: TestRequest[]): number[] =>
    requests.map((req) => Number(req.request.params.get('thumbnail')));

  it('never has more than 4 downloads open across both callers', () => {
    let first: string[] | undefined;
    let second: Batch | undefined;
    service.thumbnails([1, 2]).subscribe((value) => (first = value));
    service.batch([3, 4, 5, 6]).subscribe((value) => (second = value));

    const [t1, t2, t3, t4] = httpMock.match(byThumbnail);
    expect(ids([t1, t2, t3, t4])).toEqual([1, 2, 3, 4]);

    t2.flush('');
    const [t5] = httpMock.match(byThumbnail); // 2's permit went to 5
    expect(ids([t5])).toEqual([5]);
    t1.flush('');
    expect(first).toEqual(['#1', '#2']);
    const [t6] = httpMock.match(byThumbnail);
    expect(ids([t6])).toEqual([6]);

    [t3, t4, t5, t6].forEach((req) => req.flush(''));
    // batch()'s four ran at once only after the other caller's two had finished.
    expect(second).toEqual({ items: ['#3', '#4', '#5', '#6'], peak: 4 });
    httpMock.expectNone(byThumbnail);
  });

  it('batch(): reports the most downloads it had in flight at once, the limit for a large batch', () => {
    let batch: Batch | undefined;
    service.batch([1, 2, 3, 4, 5, 6, 7, 8]).subscribe((value) => (batch = value));
    for (let round = 0; round < 2; round++) {
      const open = httpMock.match(byThumbnail);
      expect(open.length).toBe(4);
      open.forEach((req) => req.flush(''));
    }
    expect(batch).toEqual({ items: [1, 2, 3, 4, 5, 6, 7, 8].map((id) => `#${id}`), peak: 4 });
  });
});
