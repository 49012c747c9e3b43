import { Injectable, inject } from '@angular/core';
import type { Observable } from 'rxjs';
import { gather } from 'rxjs-asyncio';
import { API_SESSION } from './api-session';
import { BATCH_CONCURRENCY, MIRRORS } from './models';
import type { Dashboard, Notice, Profile, SearchResult, Stats, User } from './models';
import { firstCompleted, firstSuccessful } from './racing';

/**
 * The same service as `DashboardService`, over an rxjs-asyncio session instead of
 * HttpClient: the session's options (per-request `timeout`, `raiseForStatus`, a shared
 * `semaphore`) are set once where it is provided (`provideApiSession`), and the session
 * accepts a `fakeTransport`, so the service can be marble-tested in virtual time.
 */
@Injectable({ providedIn: 'root' })
export class SessionDashboardService {
  private readonly session = inject(API_SESSION);

  /**
   * Every widget at once; a failed widget's slot holds its error (`HttpStatusError`
   * under `raiseForStatus`, `NetworkError`, or rxjs's `TimeoutError` after the session's
   * `timeout`).
   */
  dashboard(): Observable<Dashboard> {
    return gather(
      {
        profile: this.session.json<Profile>('/api/profile'),
        stats: this.session.json<Stats>('/api/stats'),
        notices: this.session.json<Notice[]>('/api/notices'),
      },
      { returnExceptions: true },
    );
  }

  /** Races the mirrors: the first to answer wins, even with an error; the others are aborted. */
  search(query: string): Observable<SearchResult> {
    return firstCompleted(MIRRORS.map((mirror) => this.searchOn(mirror, query)));
  }

  /** Races the mirrors: the first to answer successfully wins; the others are aborted. */
  searchAny(query: string): Observable<SearchResult> {
    return firstSuccessful(
      MIRRORS.map((mirror) => this.searchOn(mirror, query)),
      `search "${query}"`,
    );
  }

  /** Users by id, in the order asked, with at most {@link BATCH_CONCURRENCY} requests open at once. */
  users(ids: readonly number[]): Observable<User[]> {
    return gather(
      ids.map((id) => this.session.json<User>(`/api/users/${id}`)),
      { concurrency: BATCH_CONCURRENCY },
    );
  }

  private searchOn(mirror: string, query: string): Observable<SearchResult> {
    return this.session.json<SearchResult>(`${mirror}/search`, { params: { q: query } });
  }
}
