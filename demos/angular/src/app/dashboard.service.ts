import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Observable } from 'rxjs';
import { Semaphore, gather, waitFor } from 'rxjs-asyncio';
import { BATCH_CONCURRENCY, MIRRORS } from './models';
import type { Dashboard, Notice, Profile, SearchResult, Stats, User } from './models';
import { firstCompleted, firstSuccessful } from './racing';

/** A widget that has not answered within this many ms shows an error instead. */
export const WIDGET_TIMEOUT_MS = 2000;

/**
 * The dashboard's data, over Angular's HttpClient.
 *
 * HttpClient's Observables are cold and cancel their request when unsubscribed, which
 * is all rxjs-asyncio needs: every pattern below aborts the requests it no longer needs.
 */
@Injectable({ providedIn: 'root' })
export class DashboardService {
  private readonly http = inject(HttpClient);

  /** Shared by every `thumbnails()` call: at most 3 thumbnail downloads at once, app-wide. */
  private readonly downloads = new Semaphore(BATCH_CONCURRENCY);

  /**
   * Every widget at once (asyncio.gather over a record). One failing or slow widget
   * does not break the page: its slot holds the error (an `HttpErrorResponse`, or
   * rxjs's `TimeoutError` after {@link WIDGET_TIMEOUT_MS}).
   */
  dashboard(): Observable<Dashboard> {
    return gather(
      {
        profile: this.widget<Profile>('/api/profile'),
        stats: this.widget<Stats>('/api/stats'),
        notices: this.widget<Notice[]>('/api/notices'),
      },
      { returnExceptions: true },
    );
  }

  /** Races the mirrors: the first to answer wins, even with an error; the others are cancelled. */
  search(query: string): Observable<SearchResult> {
    return firstCompleted(MIRRORS.map((mirror) => this.searchOn(mirror, query)));
  }

  /** Races the mirrors: the first to answer successfully wins; the others are cancelled. */
  searchAny(query: string): Observable<SearchResult> {
    return firstSuccessful(
      MIRRORS.map((mirror) => this.searchOn(mirror, query)),
      `search "${query}"`,
    );
  }

  /** Users by id, in the order asked, with at most {@link BATCH_CONCURRENCY} requests open at once. */
  users(ids: readonly number[]): Observable<User[]> {
    return gather(
      ids.map((id) => () => this.http.get<User>(`/api/users/${id}`)),
      { concurrency: BATCH_CONCURRENCY },
    );
  }

  /**
   * Thumbnails by id. Each download takes a permit of the service's one semaphore, so
   * the limit holds across every caller (two components loading at once share it).
   */
  thumbnails(ids: readonly number[]): Observable<string[]> {
    return gather(ids.map((id) => this.downloads.run(this.http.get(`/api/thumbnails/${id}`, { responseType: 'text' }))));
  }

  private widget<T>(url: string): Observable<T> {
    return waitFor(this.http.get<T>(url), WIDGET_TIMEOUT_MS);
  }

  private searchOn(mirror: string, query: string): Observable<SearchResult> {
    return this.http.get<SearchResult>(`${mirror}/search`, { params: { q: query } });
  }
}
