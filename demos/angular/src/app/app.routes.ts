import type { Routes } from '@angular/router';
import { DASHBOARD_DATA } from './dashboard-data';
import { DashboardService } from './dashboard.service';
import { DashboardPage } from './dashboard/dashboard.page';
import { sessionRoutes } from './session/session.routes';

export const routes: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'Dashboard over HttpClient',
    component: DashboardPage,
    providers: [{ provide: DASHBOARD_DATA, useExisting: DashboardService }],
  },
  ...sessionRoutes,
  { path: '**', redirectTo: '' },
];
