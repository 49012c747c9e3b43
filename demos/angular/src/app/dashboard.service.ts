import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, defer, map } from 'rxjs';
import { Semaphore, asCompleted, gather, waitFor } from 'rxjs-asyncio';
import { API_BASE } from './api';
import type { DashboardData } from './dashboard-data';
import { InFlight } from './in-flight';
import { BATCH_CONCURRENCY, BATCH_SECONDS, FEED, MIRRORS, WIDGETS } from './models';
import type { Batch, Dashboard, Echo, FeedItem, Race } from './models';
import { firstCompleted, firstSuccessful } from './racing';

/** A widget that has not answered within this many ms shows an error instead. */
export const WIDGET_TIMEOUT_MS = 2000;

/**
 * The dashboard's data, over Angular's HttpClient with the core `rxjs-asyncio` entry.
 *
 * HttpClient's Observables are cold and cancel their request when unsubscribed, which
 * is all rxjs-asyncio needs: every pattern below aborts the requests it no longer needs.
 */
@Injectable({ providedIn: 'root' })
export class DashboardService implements DashboardData {
  private readonly http = inject(HttpClient);
  private readonly api = inject(API_BASE);

  /** Shared by every `thumbnails()` and `batch()` call: at most BATCH_CONCURRENCY downloads at once, app-wide. */
  private readonly downloads = new Semaphore(BATCH_CONCURRENCY);

  /**
   * Every widget at once (asyncio.gather over a record). One failing or slow widget
   * does not break the page: its slot holds the error (an `HttpErrorResponse`, or
   * rxjs's `TimeoutError` after {@link WIDGET_TIMEOUT_MS}).
   */
  dashboard(): Observable<Dashboard> {
    return gather(
      {
        profile: this.widget(WIDGETS.profile),
        stats: this.widget(WIDGETS.stats),
        notices: this.widget(WIDGETS.notices),
      },
      { returnExceptions: true },
    );
  }

  /** The feed's sources at once; each result is emitted as soon as it arrives (asyncio.as_completed). */
  feed(): Observable<FeedItem> {
    return defer(() => {
      const started = performance.now();
      return asCompleted(
        FEED.map(({ name, seconds }) =>
          this.http.get<Echo>(`${this.api}/delay/${seconds}`, { params: { name } }),
        ),
      ).pipe(
        map((echo) => ({
          name: echo.args['name'] ?? '?',
          at: Math.round(performance.now() - started),
        })),
      );
    });
  }

  /** Races the mirrors: the first to answer wins, even with an error; the others are cancelled. */
  race(query: string): Observable<Race<Echo>> {
    return firstCompleted(this.mirrors(query));
  }

  /** Races the mirrors and emits only the winner. */
  search(query: string): Observable<Echo> {
    return this.race(query).pipe(map((race) => race.winner));
  }

  /** Races the mirrors: the first to answer successfully wins; the others are cancelled. */
  searchAny(query: string): Observable<Echo> {
    return firstSuccessful(this.mirrors(query), `search "${query}"`);
  }

  /** Users by id, in the order asked, with at most {@link BATCH_CONCURRENCY} requests open at once. */
  users(ids: readonly number[]): Observable<Echo[]> {
    return gather(
      ids.map((id) => () => this.http.get<Echo>(`${this.api}/anything/users/${id}`)),
      { concurrency: BATCH_CONCURRENCY },
    );
  }

  /**
   * Thumbnails by id. Each download takes a permit of the service's one semaphore, so
   * the limit holds across every caller (two components loading at once share it).
   */
  thumbnails(ids: readonly number[]): Observable<string[]> {
    return gather(ids.map((id) => this.downloads.run(this.thumbnail(id))));
  }

  /** The thumbnails, with the most downloads that were in flight at once (counted here, in the page). */
  batch(ids: readonly number[]): Observable<Batch> {
    return defer(() => {
      const inFlight = new InFlight();
      return gather(ids.map((id) => this.downloads.run(inFlight.track(this.thumbnail(id))))).pipe(
        map((items) => ({ items, peak: inFlight.peak })),
      );
    });
  }

  private thumbnail(id: number): Observable<string> {
    return this.http
      .get(`${this.api}/delay/${BATCH_SECONDS}`, {
        params: { thumbnail: id },
        responseType: 'text',
      })
      .pipe(map(() => `#${id}`));
  }

  private widget(path: string): Observable<Echo> {
    return waitFor(this.http.get<Echo>(`${this.api}${path}`), WIDGET_TIMEOUT_MS);
  }

  private mirrors(query: string): Observable<Echo>[] {
    return MIRRORS.map(({ name, seconds }) =>
      this.http.get<Echo>(`${this.api}/delay/${seconds}`, { params: { mirror: name, q: query } }),
    );
  }
}
