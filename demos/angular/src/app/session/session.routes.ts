import type { Routes } from '@angular/router';
import { provideSession } from 'rxjs-asyncio/angular';
import { apiBaseOf } from '../api';
import { DASHBOARD_DATA } from '../dashboard-data';
import { DashboardPage } from '../dashboard/dashboard.page';
import { SessionDashboardService } from './session-dashboard.service';

/** A widget that has not answered within this many ms shows an error instead (the session's `timeout`). */
export const SESSION_TIMEOUT_MS = 2000;

/**
 * `/session`: the dashboard over `provideSession`. The route's environment injector
 * holds one session over HttpClient (`httpClientTransport()`, so the app's interceptors
 * apply), closed when that injector is destroyed.
 */
export const sessionRoutes: Routes = [
  {
    path: 'session',
    title: 'Dashboard over provideSession',
    component: DashboardPage,
    providers: [
      provideSession({
        // '/api' (relative: resolved against the page's origin) or the ?api= of the page.
        baseURL: apiBaseOf(location.search),
        timeout: SESSION_TIMEOUT_MS,
        raiseForStatus: true,
      }),
      SessionDashboardService,
      { provide: DASHBOARD_DATA, useExisting: SessionDashboardService },
    ],
  },
];
