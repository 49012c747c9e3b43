import { Injectable, inject } from '@angular/core';
import { Observable, defer, map } from 'rxjs';
import { Semaphore, asCompleted, gather } from 'rxjs-asyncio';
import { SESSION } from 'rxjs-asyncio/angular';
import type { DashboardData } from '../dashboard-data';
import { InFlight } from '../in-flight';
import { BATCH_CONCURRENCY, BATCH_SECONDS, FEED, MIRRORS, WIDGETS } from '../models';
import type { Batch, Dashboard, Echo, FeedItem, Race } from '../models';
import { firstCompleted, firstSuccessful } from '../racing';

/**
 * The same data as `DashboardService`, over the app's rxjs-asyncio session
 * (`inject(SESSION)`, from `provideSession`) instead of HttpClient: the session's
 * options (`baseURL`, per-request `timeout`, `raiseForStatus`) are set once where it is
 * provided, its requests still go through HttpClient (`httpClientTransport`), and it
 * accepts a `fakeTransport`, so the service can be marble-tested in virtual time.
 */
@Injectable()
export class SessionDashboardService implements DashboardData {
  private readonly session = inject(SESSION);

  /** Shared by every `batch()` call: at most BATCH_CONCURRENCY downloads at once. */
  private readonly downloads = new Semaphore(BATCH_CONCURRENCY);

  /**
   * Every widget at once; a failed widget's slot holds its error (`HttpStatusError`
   * under `raiseForStatus`, `NetworkError`, or rxjs's `TimeoutError` after the session's
   * `timeout`).
   */
  dashboard(): Observable<Dashboard> {
    return gather(
      {
        profile: this.session.json<Echo>(WIDGETS.profile),
        stats: this.session.json<Echo>(WIDGETS.stats),
        notices: this.session.json<Echo>(WIDGETS.notices),
      },
      { returnExceptions: true },
    );
  }

  /** The feed's sources at once; each result is emitted as soon as it arrives. */
  feed(): Observable<FeedItem> {
    return defer(() => {
      const started = performance.now();
      return asCompleted(
        FEED.map(({ name, seconds }) =>
          this.session.json<Echo>(`/delay/${seconds}`, { params: { name } }),
        ),
      ).pipe(
        map((echo) => ({
          name: echo.args['name'] ?? '?',
          at: Math.round(performance.now() - started),
        })),
      );
    });
  }

  /** Races the mirrors: the first to answer wins, even with an error; the others are aborted. */
  race(query: string): Observable<Race<Echo>> {
    return firstCompleted(this.mirrors(query));
  }

  /** Races the mirrors: the first to answer successfully wins; the others are aborted. */
  searchAny(query: string): Observable<Echo> {
    return firstSuccessful(this.mirrors(query), `search "${query}"`);
  }

  /** Users by id, in the order asked, with at most {@link BATCH_CONCURRENCY} requests open at once. */
  users(ids: readonly number[]): Observable<Echo[]> {
    return gather(
      ids.map((id) => this.session.json<Echo>(`/anything/users/${id}`)),
      { concurrency: BATCH_CONCURRENCY },
    );
  }

  /** Thumbnails under the service's semaphore, with the most in flight at once. */
  batch(ids: readonly number[]): Observable<Batch> {
    return defer(() => {
      const inFlight = new InFlight();
      const download = (id: number): Observable<string> =>
        this.session
          .text(`/delay/${BATCH_SECONDS}`, { params: { thumbnail: id } })
          .pipe(map(() => `#${id}`));
      return gather(ids.map((id) => this.downloads.run(inFlight.track(download(id))))).pipe(
        map((items) => ({ items, peak: inFlight.peak })),
      );
    });
  }

  private mirrors(query: string): Observable<Echo>[] {
    return MIRRORS.map(({ name, seconds }) =>
      this.session.json<Echo>(`/delay/${seconds}`, { params: { mirror: name, q: query } }),
    );
  }
}
