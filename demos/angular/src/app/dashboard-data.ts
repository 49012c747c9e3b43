import { InjectionToken } from '@angular/core';
import type { Observable } from 'rxjs';
import type { Batch, Dashboard, Echo, FeedItem, Race } from './models';

/**
 * What the dashboard page shows, whoever fetches it: `DashboardService` over HttpClient
 * (at `/`), or `SessionDashboardService` over an rxjs-asyncio session from
 * `provideSession` (at `/session`).
 */
export interface DashboardData {
  /** Every widget at once (gather, returnExceptions): a failed widget's slot holds its error. */
  dashboard(): Observable<Dashboard>;
  /** The feed's results, each as it arrives (asCompleted). */
  feed(): Observable<FeedItem>;
  /** The mirrors raced (wait FIRST_COMPLETED): the first to answer wins, the rest are cancelled. */
  race(query: string): Observable<Race<Echo>>;
  /** A batch under a Semaphore: results in the order asked, and the most in flight at once. */
  batch(ids: readonly number[]): Observable<Batch>;
}

/** The page's data source; the routes provide it. */
export const DASHBOARD_DATA = new InjectionToken<DashboardData>('DASHBOARD_DATA');
